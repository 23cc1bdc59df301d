import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  curveKeyPair,
  Dealer,
  Pair,
  Reply,
  Request,
  Router,
  Subscriber,
} from "./mod.ts";
import { rejectsWith, texts, throwsWith } from "./_testing.ts";

Deno.test("options set in the constructor and as properties read back", () => {
  const dealer = new Dealer({
    linger: 250,
    sendHighWaterMark: 11,
    receiveHighWaterMark: 12,
    routingId: "me",
    reconnectInterval: 150,
    reconnectMaxInterval: 3000,
    heartbeatInterval: 1000,
    heartbeatTimeout: 3000,
    heartbeatTimeToLive: 5000,
    maxMessageSize: 2 ** 40,
    immediate: true,
    sendTimeout: 10,
    receiveTimeout: 20,
  });
  try {
    assertEquals(
      [
        dealer.linger,
        dealer.sendHighWaterMark,
        dealer.receiveHighWaterMark,
        dealer.routingId,
      ],
      [250, 11, 12, "me"],
    );
    assertEquals([dealer.reconnectInterval, dealer.reconnectMaxInterval], [
      150,
      3000,
    ]);
    assertEquals([
      dealer.heartbeatInterval,
      dealer.heartbeatTimeout,
      dealer.heartbeatTimeToLive,
    ], [1000, 3000, 5000]);
    assertEquals([dealer.maxMessageSize, dealer.immediate], [2 ** 40, true]); // int64 survives
    assertEquals([dealer.sendTimeout, dealer.receiveTimeout], [10, 20]);
    dealer.linger = 0;
    dealer.immediate = false;
    dealer.maxMessageSize = -1;
    assertEquals([dealer.linger, dealer.immediate, dealer.maxMessageSize], [
      0,
      false,
      -1,
    ]);
  } finally {
    dealer.close();
  }
});

Deno.test("invalid options are rejected with EINVAL and leave no socket open", () => {
  // @ts-expect-error: unknown option on purpose
  throwsWith(() => new Reply({ nonsense: 1 }), "EINVAL");
  throwsWith(() => new Reply({ receiveTimeout: -5 }), "EINVAL");
  throwsWith(() => new Reply({ linger: 1.5 }), "EINVAL");
  throwsWith(() => new Reply({ curvePublicKey: "short" }), "EINVAL");
  const rep = new Reply();
  rep.close();
  throwsWith(() => rep.linger, "ECLOSED");
  throwsWith(() => rep.connect("tcp://127.0.0.1:9"), "ECLOSED");
});

Deno.test("maxMessageSize drops oversized messages (int64 option in effect)", async () => {
  const receiver = new Router({ maxMessageSize: 1000, receiveTimeout: 300 });
  await receiver.bind("tcp://127.0.0.1:*");
  const sender = new Dealer({ routingId: "s" });
  sender.connect(receiver.lastEndpoint);
  try {
    await sender.send("small");
    assertEquals(texts(await receiver.receive()), ["s", "small"]);
    await sender.send(new Uint8Array(5000));
    await rejectsWith(() => receiver.receive(), "ETIMEDOUT");
  } finally {
    sender.close();
    receiver.close();
  }
});

Deno.test("CURVE: keys from curveKeyPair secure a REQ/REP exchange; a wrong server key gets nothing", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  assertEquals([server.publicKey.length, server.secretKey.length], [40, 40]);
  const rep = new Reply({
    curveServer: true,
    curveSecretKey: server.secretKey,
    receiveTimeout: 5000,
  });
  await rep.bind("tcp://127.0.0.1:*");
  assertEquals([rep.curveServer, rep.curveSecretKey], [true, server.secretKey]);
  const req = new Request({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    receiveTimeout: 5000,
  });
  req.connect(rep.lastEndpoint);
  const intruder = new Request({
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    receiveTimeout: 200,
  });
  intruder.connect(rep.lastEndpoint);
  try {
    assertEquals(req.curveServerKey, server.publicKey);
    await req.send("secret");
    assertEquals(texts(await rep.receive()), ["secret"]);
    await rep.send("ok");
    assertEquals(texts(await req.receive()), ["ok"]);
    await intruder.send("let me in");
    await rejectsWith(() => intruder.receive(), "ETIMEDOUT");
  } finally {
    intruder.close();
    req.close();
    rep.close();
  }
});

Deno.test("subscribe and unsubscribe accept text and bytes; no argument means everything", () => {
  const sub = new Subscriber();
  try {
    sub.subscribe();
    sub.subscribe("a", new Uint8Array([0, 1]));
    sub.unsubscribe("a");
    sub.unsubscribe();
  } finally {
    sub.close();
  }
});

Deno.test("PAIR exposes send, receive and iteration", async () => {
  const a = new Pair();
  await a.bind("inproc://options-pair");
  const b = new Pair({ receiveTimeout: 1000 });
  b.connect("inproc://options-pair");
  try {
    await a.send(["x", "y"]);
    for await (const frames of b) {
      assertEquals(texts(frames), ["x", "y"]);
      break;
    }
  } finally {
    b.close();
    a.close();
  }
});

Deno.test("timeouts above 2^31 - 1 ms are refused (a timer would fire after 1 ms)", () => {
  for (const value of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
    throwsWith(() => new Dealer({ receiveTimeout: value }), "EINVAL");
    throwsWith(() => new Dealer({ sendTimeout: value }), "EINVAL");
  }
  const longest = new Dealer({ receiveTimeout: 2 ** 31 - 1 });
  assertEquals(longest.receiveTimeout, 2 ** 31 - 1);
  longest.close();
});
