/**
 * Child process for exit_test.ts: opens sockets in one of several ways and
 * must then exit on its own (never calling Deno.exit), within a deadline.
 *
 * usage: deno run -A exit_child.ts MODE
 *
 * @module
 */

import {
  closeOnSignals,
  Dealer,
  Publisher,
  Reply,
  Request,
  startProxy,
  Subscriber,
  terminate,
} from "../mod.ts";

const mode = Deno.args[0];

async function roundTrip(): Promise<void> {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request();
  req.connect(rep.lastEndpoint);
  const serving = (async () => {
    for await (const frames of rep) await rep.send(frames);
  })();
  await req.send("hi");
  await req.receive();
  req.close();
  rep.close();
  await serving;
}

switch (mode) {
  case "traffic":
    // Sockets used, then closed: nothing may keep the process alive.
    await roundTrip();
    break;
  case "pending": {
    // A receive parked in the reactor, then the socket closes.
    const sub = new Subscriber();
    sub.connect("tcp://127.0.0.1:9");
    sub.subscribe();
    const pending = sub.receive().catch((e) => e.code);
    setTimeout(() => sub.close(), 50);
    console.log(await pending);
    break;
  }
  case "timeout": {
    // A receive that times out: the parked poll must end with it.
    const rep = new Reply({ receiveTimeout: 50 });
    await rep.bind("tcp://127.0.0.1:*");
    console.log(await rep.receive().catch((e) => e.code));
    rep.close();
    break;
  }
  case "open": {
    // Sockets left open but idle: no pending operation, so the process may end.
    const pub = new Publisher();
    await pub.bind("tcp://127.0.0.1:*");
    await pub.send("nobody");
    const dealer = new Dealer();
    dealer.connect("tcp://127.0.0.1:9");
    break;
  }
  case "terminate": {
    // Unsent messages with an infinite linger: terminate() must still return.
    const dealer = new Dealer({ linger: -1, immediate: false });
    dealer.connect("tcp://127.0.0.1:9");
    const serving = new Reply();
    await serving.bind("tcp://127.0.0.1:*");
    const pending = serving.receive().catch((e) => e.code);
    await dealer.send("never delivered");
    await terminate({ lingerMs: 50 });
    console.log(await pending);
    break;
  }
  case "stuck-proxy": {
    // The proxy blocks forwarding to a DEALER that has no peer, so it can
    // never read TERMINATE; terminate() must still return.
    const proxy = await startProxy({
      frontend: { type: "router", bind: "tcp://127.0.0.1:*" },
      backend: { type: "dealer", bind: "tcp://127.0.0.1:*" },
    });
    const req = new Request();
    req.connect(proxy.frontendEndpoint);
    await req.send("into the void");
    const started = Date.now();
    await terminate({ lingerMs: 100 });
    await proxy.done;
    console.log(Date.now() - started < 5000 ? "terminated" : "slow");
    break;
  }
  case "signal": {
    closeOnSignals({ lingerMs: 50 });
    const rep = new Reply();
    await rep.bind("tcp://127.0.0.1:*");
    console.log("ready");
    for await (const frames of rep) await rep.send(frames);
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
