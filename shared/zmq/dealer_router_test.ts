import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Dealer, Pair, Reply, Router } from "./mod.ts";
import { rejectsWith, texts, within } from "./_testing.ts";

Deno.test("ROUTER answers concurrent DEALER requests to the right client", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const server = (async () => {
    for await (const [id, ...body] of router) {
      // Answer out of order to prove routing, not ordering, matches replies.
      setTimeout(
        () => router.send([id, "re", ...body]).catch(() => {}),
        Math.random() * 3,
      );
    }
  })();
  const dealers = Array.from({ length: 5 }, (_, c) => {
    const dealer = new Dealer({
      routingId: `client-${c}`,
      receiveTimeout: 5000,
    });
    dealer.connect(router.lastEndpoint);
    return dealer;
  });
  try {
    await Promise.all(dealers.map(async (dealer, c) => {
      const sent = Array.from({ length: 40 }, (_, i) => `${c}/${i}`);
      await Promise.all(sent.map((id) => dealer.send(id)));
      const got: string[] = [];
      while (got.length < sent.length) {
        const [tag, id] = texts(await dealer.receive());
        assertEquals(tag, "re");
        got.push(id);
      }
      assertEquals(got.sort(), sent.sort());
    }));
  } finally {
    for (const dealer of dealers) dealer.close();
    router.close();
    await server;
  }
});

Deno.test("ROUTER sees the DEALER's routing id; mandatory routing rejects unknown peers", async () => {
  const router = new Router({ mandatory: true, receiveTimeout: 5000 });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ routingId: "alice", receiveTimeout: 5000 });
  dealer.connect(router.lastEndpoint);
  try {
    assertEquals(dealer.routingId, "alice");
    await dealer.send("hi");
    assertEquals(texts(await router.receive()), ["alice", "hi"]);
    await rejectsWith(() => router.send(["nobody", "x"]), "EHOSTUNREACH");
    await router.send(["alice", "hello"]);
    assertEquals(texts(await dealer.receive()), ["hello"]);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("DEALER talks to REP with an empty delimiter frame", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ receiveTimeout: 5000 });
  dealer.connect(rep.lastEndpoint);
  try {
    await dealer.send(["", "question"]);
    assertEquals(texts(await rep.receive()), ["question"]);
    await rep.send("answer");
    assertEquals(texts(await dealer.receive()), ["", "answer"]);
  } finally {
    dealer.close();
    rep.close();
  }
});

Deno.test("100k DEALER→ROUTER messages arrive in order, none lost", async () => {
  const total = 100_000;
  const router = new Router({ receiveTimeout: 5000 });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ sendTimeout: 5000 });
  dealer.connect(router.lastEndpoint);
  try {
    const receiving = (async () => {
      let expected = 0;
      for await (const [, body] of router) {
        const value = new DataView(body.buffer, body.byteOffset, 4).getUint32(
          0,
        );
        if (value !== expected) {
          throw new Error(`expected ${expected}, got ${value}`);
        }
        if (++expected === total) return expected;
      }
      return expected;
    })();
    for (let i = 0; i < total; i++) {
      const body = new Uint8Array(100);
      new DataView(body.buffer).setUint32(0, i);
      // Default HWM 1000: back-pressure makes some sends wait in the reactor.
      await dealer.send(body);
    }
    assertEquals(await within(receiving, 20_000, "all messages"), total);
  } finally {
    dealer.close();
    router.close();
  }
});

Deno.test("PAIR over inproc works both ways, with back-pressure and no loss", async () => {
  const a = new Pair({ sendHighWaterMark: 10, receiveHighWaterMark: 10 });
  await a.bind("inproc://pair-test");
  const b = new Pair({ receiveTimeout: 5000 });
  b.connect("inproc://pair-test");
  try {
    const sending = (async () => {
      for (let i = 0; i < 1000; i++) await a.send(String(i));
    })();
    for (let i = 0; i < 1000; i++) {
      assertEquals(texts(await b.receive()), [String(i)]);
    }
    await sending;
    await b.send("back");
    assertEquals(texts(await a.receive()), ["back"]);
  } finally {
    b.close();
    a.close();
  }
});
