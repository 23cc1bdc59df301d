import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Dealer, Pair, Publisher, Reply, Request, Subscriber } from "./mod.ts";
import { rejectsWith, texts, waitFor, within } from "./_testing.ts";

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

Deno.test("garbage bytes sent to a bound port neither crash the process nor stop the socket", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const server = (async () => {
    for await (const frames of rep) await rep.send(frames);
  })();
  const junk = [
    crypto.getRandomValues(new Uint8Array(4096)),
    // A plausible ZMTP signature followed by nonsense.
    new Uint8Array([
      0xff,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0x7f,
      3,
      0,
      ...new TextEncoder().encode("NOPE"),
      ...new Uint8Array(40).fill(0xee),
    ]),
    new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
  ];
  try {
    for (const bytes of junk) {
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: portOf(rep.lastEndpoint),
      });
      await conn.write(bytes).catch(() => 0); // the peer may already have hung up
      conn.close();
    }
    const req = new Request({ receiveTimeout: 5000 });
    req.connect(rep.lastEndpoint);
    try {
      await req.send("still there?");
      assertEquals(texts(await req.receive()), ["still there?"]);
    } finally {
      req.close();
    }
  } finally {
    rep.close();
    await server;
  }
});

Deno.test("a timer keeps firing while a socket is flooded", async () => {
  const a = new Pair({ sendHighWaterMark: 0 });
  await a.bind("inproc://flood");
  const b = new Pair({ receiveHighWaterMark: 0 });
  b.connect("inproc://flood");
  const total = 60_000;
  // Queue everything first so the receive loop never has to wait: the worst case.
  for (let i = 0; i < total; i++) await a.send("x");
  let ticks = 0;
  const interval = setInterval(() => ticks++, 2);
  try {
    const started = performance.now();
    let received = 0;
    for await (const _ of b) if (++received === total) break;
    const elapsedMs = performance.now() - started;
    // Without yielding, a hot receive loop lets no timer fire at all.
    assertEquals(
      ticks >= Math.min(3, Math.floor(elapsedMs / 2 / 4)),
      true,
      `only ${ticks} ticks in ${elapsedMs} ms`,
    );
  } finally {
    clearInterval(interval);
    b.close();
    a.close();
  }
});

Deno.test("slow work per message yields to timers and to other sockets", async () => {
  // Each message costs the application 4 ms: a handful of operations a
  // second, far below the operation budget, each message already there
  // when asked for. Only the time bound makes the loop yield.
  const total = 60;
  const workMs = 4;
  const a = new Pair();
  await a.bind("inproc://slow-work");
  const b = new Pair();
  b.connect("inproc://slow-work");
  const c = new Pair();
  await c.bind("inproc://slow-work-other");
  const d = new Pair();
  d.connect("inproc://slow-work-other");
  for (let i = 0; i < total; i++) await a.send("x");
  let processed = 0;
  let timerAt = -1;
  let otherAt = -1;
  const timer = setTimeout(() => timerAt = processed, 1);
  const other = c.receive().then(() => otherAt = processed);
  try {
    await d.send("hello");
    for await (const _ of b) {
      const until = performance.now() + workMs;
      while (performance.now() < until) {
        // The application's synchronous work.
      }
      if (++processed === total) break;
    }
    await other;
    // Without the time bound both would wait for all 60 messages (240 ms).
    assertEquals(
      timerAt >= 0 && timerAt < total / 2,
      true,
      `timer at ${timerAt}`,
    );
    assertEquals(otherAt < total / 2, true, `other socket at ${otherAt}`);
  } finally {
    clearTimeout(timer);
    for (const socket of [a, b, c, d]) socket.close();
  }
});

Deno.test("a timer keeps firing while a TCP subscriber is flooded", async () => {
  const pub = new Publisher({ sendHighWaterMark: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber({ receiveHighWaterMark: 0, receiveTimeout: 5000 });
  sub.connect(pub.lastEndpoint);
  sub.subscribe();
  let ticks = 0;
  const interval = setInterval(() => ticks++, 2);
  try {
    const first = sub.receive();
    let seen = false;
    first.then(() => seen = true, () => seen = true);
    await waitFor(
      () => {
        if (!seen) pub.send("probe");
        return seen;
      },
      5000,
      "the subscription",
    );
    const total = 50_000;
    const body = new Uint8Array(100);
    const sending = (async () => {
      for (let i = 0; i < total; i++) await pub.send(body);
      await pub.send("end");
    })();
    const started = performance.now();
    ticks = 0;
    for await (const [frame] of sub) if (frame.byteLength === 3) break;
    await sending;
    const elapsedMs = performance.now() - started;
    assertEquals(
      ticks >= Math.min(3, Math.floor(elapsedMs / 2 / 4)),
      true,
      `only ${ticks} ticks in ${elapsedMs} ms`,
    );
  } finally {
    clearInterval(interval);
    sub.close();
    pub.close();
  }
});

Deno.test("send rejects with ETIMEDOUT under back-pressure, and with ECLOSED on close", async () => {
  // A DEALER with no peer cannot queue anything.
  const dealer = new Dealer({ sendTimeout: 20 });
  try {
    await rejectsWith(() => dealer.send("nobody listens"), "ETIMEDOUT");
    dealer.sendTimeout = -1;
    const pending = dealer.send("still nobody");
    const queuedBehind = dealer.send("behind it");
    dealer.close();
    await rejectsWith(() => pending, "ECLOSED");
    await rejectsWith(() => queuedBehind, "ECLOSED");
  } finally {
    dealer.close();
  }
});

Deno.test("a queued send completes once a peer connects", async () => {
  const dealer = new Dealer();
  await dealer.bind("tcp://127.0.0.1:*");
  const sent = dealer.send("waiting for a peer");
  const rep = new Reply({ receiveTimeout: 5000 });
  rep.connect(dealer.lastEndpoint);
  try {
    await within(sent, 5000, "the queued send");
    // REP expects a delimiter: a message without one is dropped, so send a proper one too.
    await dealer.send(["", "proper"]);
    assertEquals(texts(await rep.receive()), ["proper"]);
  } finally {
    rep.close();
    dealer.close();
  }
});

Deno.test("bad input is rejected with typed errors, not crashes", async () => {
  const rep = new Reply();
  try {
    // @ts-expect-error: wrong type on purpose
    await rejectsWith(() => rep.send(42), "EINVAL");
    await rejectsWith(() => rep.send([]), "EINVAL");
    // @ts-expect-error: wrong type on purpose
    await rejectsWith(() => rep.bind(undefined), "EINVAL");
    await rejectsWith(() => rep.bind("tcp://127.0.0.1:notaport"), "EINVAL");
  } finally {
    rep.close();
  }
});
