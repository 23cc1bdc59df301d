import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Publisher, Reply, Request, startProxy, Subscriber } from "./mod.ts";
import { parseProxyStats } from "./proxy.ts";
import { rejectsWith, texts, throwsWith, waitFor, within } from "./_testing.ts";

Deno.test("XSUB/XPUB proxy forwards publications to subscribers and counts them", async () => {
  const proxy = await startProxy({
    frontend: { type: "xsub", bind: "tcp://127.0.0.1:*" },
    backend: { type: "xpub", bind: "tcp://127.0.0.1:*" },
  });
  const pub = new Publisher();
  pub.connect(proxy.frontendEndpoint);
  const sub = new Subscriber({ receiveTimeout: 5000 });
  sub.connect(proxy.backendEndpoint);
  sub.subscribe("room");
  try {
    const first = sub.receive();
    let seen = false;
    first.then(() => seen = true, () => seen = true);
    await waitFor(
      () => {
        if (!seen) pub.send(["room", "probe"]);
        return seen;
      },
      5000,
      "the subscription to cross the proxy",
    );
    await pub.send(["hall", "not for us"]);
    await pub.send(["room", "done"]);
    while (texts(await sub.receive())[1] !== "done");
    const stats = await proxy.statistics();
    // The PUB filters by subscription itself, so "hall" never reaches the proxy.
    assertEquals(stats.frontend.messagesIn >= 2, true);
    assertEquals(
      stats.frontend.bytesIn >= "roomprobe".length + "roomdone".length,
      true,
    );
    assertEquals(stats.backend.messagesOut >= 2, true);
    assertEquals(stats.backend.messagesIn >= 1, true); // the subscription
    // Several requests in flight are answered in order.
    const all = await Promise.all([
      proxy.statistics(),
      proxy.statistics(),
      proxy.statistics(),
    ]);
    assertEquals(all.length, 3);
  } finally {
    sub.close();
    pub.close();
    await within(proxy.stop(), 2000, "the proxy to stop");
  }
  await within(proxy.done, 1000, "done");
  await rejectsWith(() => proxy.statistics(), "ECLOSED");
  await proxy.stop(); // idempotent
});

Deno.test("ROUTER/DEALER proxy carries REQ/REP traffic", async () => {
  const proxy = await startProxy({
    frontend: { type: "router", bind: "tcp://127.0.0.1:*" },
    backend: { type: "dealer", bind: "tcp://127.0.0.1:*" },
  });
  const worker = new Reply();
  worker.connect(proxy.backendEndpoint);
  const client = new Request({ receiveTimeout: 5000 });
  client.connect(proxy.frontendEndpoint);
  try {
    await client.send("through");
    const [request] = await worker.receive();
    await worker.send([request, "ok"]);
    assertEquals(texts(await client.receive()), ["through", "ok"]);
  } finally {
    client.close();
    worker.close();
    await proxy.stop();
  }
});

Deno.test("startProxy reports bad endpoints and busy ports", async () => {
  await rejectsWith(
    () =>
      startProxy({
        frontend: { type: "xsub", bind: "nope://x" },
        backend: { type: "xpub", bind: "tcp://127.0.0.1:*" },
      }),
    "EPROTONOSUPPORT",
  );
  const holder = new Publisher();
  await holder.bind("tcp://127.0.0.1:*");
  try {
    const error = await rejectsWith(
      () =>
        startProxy({
          frontend: { type: "xsub", bind: "tcp://127.0.0.1:*" },
          backend: { type: "xpub", bind: holder.lastEndpoint },
        }),
      "EADDRINUSE",
    );
    assertEquals(error.endpoint, holder.lastEndpoint);
  } finally {
    holder.close();
  }
});

Deno.test("parseProxyStats reads eight little-endian counters and rejects malformed replies", () => {
  const frames = Array.from({ length: 8 }, (_, i) => {
    const frame = new Uint8Array(8);
    new DataView(frame.buffer).setBigUint64(0, BigInt(i + 1), true);
    return frame;
  });
  assertEquals(parseProxyStats(frames), {
    frontend: { messagesIn: 1, bytesIn: 2, messagesOut: 3, bytesOut: 4 },
    backend: { messagesIn: 5, bytesIn: 6, messagesOut: 7, bytesOut: 8 },
  });
  throwsWith(() => parseProxyStats(frames.slice(1)), "EINVAL");
  throwsWith(
    () => parseProxyStats([new Uint8Array(3), ...frames.slice(1)]),
    "EINVAL",
  );
});
