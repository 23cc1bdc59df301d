import { ok } from "node:assert/strict";
import { cpuUsage } from "node:process";
import { Dealer, Publisher, reactorStats, Router, Subscriber } from "./mod.ts";
import { rejectsWith, waitFor, within } from "./_testing.ts";

// PUB/XPUB with ZMQ_XPUB_NODROP and ROUTER with ZMQ_ROUTER_MANDATORY report
// POLLOUT in ZMQ_EVENTS while a send to the full pipe still fails with
// EAGAIN (pyzmq on the same libzmq 4.3.4 shows the same: events=2, Again).
// SocketCore.serve() used to retry after every POLLOUT: it spun until the
// operation budget ran out, deferred to setImmediate and spun again,
// burning a core and starving every other socket of the budget while one
// send waited for a slow peer.

/**
 * Probes until `sub` receives one: its subscription reaches `pub` a moment
 * after `subscribe`, and a PUB drops what nobody subscribed to yet.
 */
async function subscribed(pub: Publisher, sub: Subscriber): Promise<void> {
  let seen = false;
  const first = sub.receive().then(() => seen = true);
  await waitFor(
    () => {
      if (!seen) pub.send("probe").catch(() => {});
      return seen;
    },
    2000,
    "the subscription",
  );
  await first;
}

/**
 * Fills with `send` until a send has to wait, queues one more, and asserts
 * the process stays (nearly) idle while nothing can make progress.
 */
async function idleWhileBlocked(send: () => Promise<void>): Promise<void> {
  // Fill until a send has to wait, then queue one more behind it.
  let blocked: Promise<void> | undefined;
  for (let i = 0; i < 1000 && !blocked; i++) {
    let done = false;
    const p = send().then(() => {
      done = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    if (!done) blocked = p;
  }
  ok(blocked, "a send had to wait");
  const behind = send();
  const yields0 = reactorStats().budgetYields;
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  // A measurement window, not synchronisation: nothing can make progress.
  await new Promise((r) => setTimeout(r, 500));
  const cpu = cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  blocked!.catch(() => {});
  behind.catch(() => {});
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const yields = reactorStats().budgetYields - yields0;
  ok(
    cpuMs < wallMs * 0.3,
    `busy while blocked: ${cpuMs.toFixed(0)} ms CPU in ${
      wallMs.toFixed(0)
    } ms, ${yields} budget yields`,
  );
}

Deno.test("a send waiting on a noDrop PUB does not burn CPU", async () => {
  const n = crypto.randomUUID();
  const pub = new Publisher({ noDrop: true, sendHighWaterMark: 1 });
  await pub.bind(`inproc://spin-${n}`);
  const sub = new Subscriber({ receiveHighWaterMark: 1, receiveTimeout: 2000 });
  sub.connect(`inproc://spin-${n}`);
  sub.subscribe();
  try {
    await subscribed(pub, sub);
    await idleWhileBlocked(() => pub.send("x"));
  } finally {
    sub.close();
    pub.close();
  }
});

Deno.test("a send waiting on a ROUTER_MANDATORY peer does not burn CPU", async () => {
  const n = crypto.randomUUID();
  const router = new Router({
    mandatory: true,
    sendHighWaterMark: 1,
    receiveTimeout: 2000,
  });
  await router.bind(`inproc://spin-${n}`);
  const alice = new Dealer({ routingId: "alice", receiveHighWaterMark: 1 });
  const bob = new Dealer({ routingId: "bob", receiveHighWaterMark: 1 });
  alice.connect(`inproc://spin-${n}`);
  bob.connect(`inproc://spin-${n}`);
  try {
    await alice.send("hi");
    await bob.send("hi");
    await router.receive();
    await router.receive();
    await idleWhileBlocked(() => router.send(["alice", "x"]));
  } finally {
    alice.close();
    bob.close();
    router.close();
  }
});

Deno.test("sendTimeout still rejects on a noDrop PUB", async () => {
  const pub = new Publisher({
    noDrop: true,
    sendHighWaterMark: 1,
    sendTimeout: 50,
  });
  const n = crypto.randomUUID();
  await pub.bind(`inproc://spin2-${n}`);
  const sub = new Subscriber({ receiveHighWaterMark: 1 });
  sub.connect(`inproc://spin2-${n}`);
  sub.subscribe();
  try {
    await rejectsWith(async () => {
      for (let i = 0; i < 100_000; i++) await pub.send("x");
    }, "ETIMEDOUT");
  } finally {
    sub.close();
    pub.close();
  }
});

Deno.test("a send stuck on a noDrop PUB does not stall every other socket", async () => {
  const n = crypto.randomUUID();
  const pub = new Publisher({ noDrop: true, sendHighWaterMark: 1 });
  await pub.bind(`inproc://spin4-${n}`);
  const sub = new Subscriber({ receiveHighWaterMark: 1, receiveTimeout: 2000 });
  sub.connect(`inproc://spin4-${n}`);
  sub.subscribe();
  const a = new Dealer();
  await a.bind(`inproc://other-${n}`);
  const b = new Dealer({ receiveTimeout: 2000 });
  b.connect(`inproc://other-${n}`);
  const pending: Promise<unknown>[] = [];
  try {
    await subscribed(pub, sub);
    // Two sends that must wait (the second queued behind the first).
    for (let i = 0; i < 10; i++) pending.push(pub.send("x").catch(() => {}));
    await new Promise((r) => setTimeout(r, 20));
    // Unrelated sockets: a plain round trip.
    await within(a.send("ping"), 2000, "an unrelated send");
    await within(b.receive(), 2000, "an unrelated receive");
  } finally {
    for (const s of [a, b, sub, pub]) s.close();
    await Promise.all(pending);
  }
});

Deno.test("a ROUTER reply stuck behind a slow peer does not stall every other socket", async () => {
  const n = crypto.randomUUID();
  const router = new Router({ mandatory: true, sendHighWaterMark: 1 });
  await router.bind(`inproc://spin3-${n}`);
  const alice = new Dealer({ routingId: "alice", receiveHighWaterMark: 1 });
  const bob = new Dealer({ routingId: "bob" });
  alice.connect(`inproc://spin3-${n}`);
  bob.connect(`inproc://spin3-${n}`);
  const a = new Dealer();
  await a.bind(`inproc://other3-${n}`);
  const b = new Dealer({ receiveTimeout: 2000 });
  b.connect(`inproc://other3-${n}`);
  const received: string[] = [];
  const server = (async () => {
    for await (const [id] of router) {
      received.push(new TextDecoder().decode(id));
    }
  })();
  let stuck: Promise<unknown> | undefined;
  try {
    await alice.send("hi");
    await waitFor(() => received.length >= 1, 2000, "alice's request");
    // Replies to alice (who never reads) until one has to wait: just one.
    for (let i = 0; i < 100 && !stuck; i++) {
      let done = false;
      const p = router.send(["alice", "x"]).then(() => {
        done = true;
      }, () => {});
      await Promise.resolve();
      await Promise.resolve();
      if (!done) stuck = p;
    }
    ok(stuck, "a reply had to wait");
    // An incoming request signals the ROUTER's fd -> serve() with a sender waiting.
    await within(bob.send("hello"), 2000, "bob's send");
    await waitFor(() => received.includes("bob"), 2000, "bob's request");
    // Unrelated sockets: a plain round trip.
    await within(a.send("ping"), 2000, "an unrelated send");
    await within(b.receive(), 2000, "an unrelated receive");
  } finally {
    for (const s of [a, b, alice, bob, router]) s.close();
    await server;
    await stuck;
  }
});

Deno.test("a send stuck behind a slow ROUTER_MANDATORY peer completes once the peer reads", async () => {
  const n = crypto.randomUUID();
  const router = new Router({ mandatory: true, sendHighWaterMark: 1 });
  await router.bind(`inproc://resume-${n}`);
  const alice = new Dealer({
    routingId: "alice",
    receiveHighWaterMark: 1,
    receiveTimeout: 2000,
  });
  const bob = new Dealer({ routingId: "bob" });
  alice.connect(`inproc://resume-${n}`);
  bob.connect(`inproc://resume-${n}`);
  const server = (async () => {
    for await (const _ of router) { /* keep a receive pending */ }
  })();
  try {
    await alice.send("hi");
    await bob.send("hi");
    const sends = Array.from(
      { length: 20 },
      (_, i) => router.send(["alice", `m${i}`]),
    );
    const allSent = Promise.all(sends);
    allSent.catch(() => {});
    for (let i = 0; i < 20; i++) {
      const [m] = await alice.receive();
      if (new TextDecoder().decode(m) !== `m${i}`) {
        throw new Error(`order at ${i}`);
      }
    }
    await within(allSent, 2000, "the queued sends");
  } finally {
    for (const s of [alice, bob, router]) s.close();
    await server;
  }
});
