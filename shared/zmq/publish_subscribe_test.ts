import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Publisher, Subscriber, XPublisher, XSubscriber } from "./mod.ts";
import { texts, waitFor, within } from "./_testing.ts";

/** Publishes `probe` until the subscriber sees it, proving the subscription reached the publisher. */
async function confirmSubscription(
  pub: Publisher,
  sub: Subscriber,
  probe: string,
): Promise<void> {
  const first = sub.receive();
  let seen = false;
  first.then(() => seen = true, () => seen = true);
  await waitFor(
    () => {
      if (!seen) pub.send([probe, ""]);
      return seen;
    },
    5000,
    "the subscription to reach the publisher",
  );
  assertEquals(texts(await first)[0].startsWith(probe), true);
}

Deno.test("SUB receives only topics it subscribed to (prefix match)", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber({ receiveTimeout: 5000 });
  sub.connect(pub.lastEndpoint);
  sub.subscribe("chan", "sync");
  try {
    await confirmSubscription(pub, sub, "sync");
    // Late probes may still be queued; drain them by a marker.
    await pub.send(["sync-done", ""]);
    while (texts(await sub.receive())[0] !== "sync-done");
    for (const topic of ["other", "chan", "chan.general", "cha", "x"]) {
      await pub.send([topic, `for ${topic}`]);
    }
    await pub.send(["chan-end", ""]);
    const got: string[] = [];
    for (;;) {
      const [topic, body] = texts(await sub.receive());
      if (topic === "chan-end") break;
      got.push(`${topic}|${body}`);
    }
    assertEquals(got, ["chan|for chan", "chan.general|for chan.general"]);
    sub.unsubscribe("chan");
    sub.subscribe("end");
    await confirmSubscription(pub, sub, "end");
  } finally {
    sub.close();
    pub.close();
  }
});

Deno.test("XPUB sees subscriptions and XSUB subscribes by message", async () => {
  const xpub = new XPublisher({ receiveTimeout: 5000, verbose: true });
  await xpub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber({ receiveTimeout: 5000 });
  xsub.connect(xpub.lastEndpoint);
  try {
    await xsub.send(new Uint8Array([1, ...new TextEncoder().encode("news")]));
    const [subscription] = await xpub.receive();
    assertEquals(subscription[0], 1);
    assertEquals(new TextDecoder().decode(subscription.subarray(1)), "news");
    await xpub.send(["weather", "no"]);
    await xpub.send(["news", "yes"]);
    assertEquals(texts(await xsub.receive()), ["news", "yes"]);
  } finally {
    xsub.close();
    xpub.close();
  }
});

Deno.test("100k PUB/SUB messages with HWM 0 arrive in order, none lost", async () => {
  const total = 100_000;
  const xpub = new XPublisher({ sendHighWaterMark: 0, receiveTimeout: 5000 });
  await xpub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber({ receiveHighWaterMark: 0, receiveTimeout: 5000 });
  sub.connect(xpub.lastEndpoint);
  sub.subscribe("t");
  try {
    await xpub.receive(); // the subscription is confirmed
    const receiving = (async () => {
      let expected = 0;
      for await (const [, body] of sub) {
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
    const topic = new TextEncoder().encode("t");
    for (let i = 0; i < total; i++) {
      const body = new Uint8Array(100);
      new DataView(body.buffer).setUint32(0, i);
      await xpub.send([topic, body]);
    }
    assertEquals(await within(receiving, 20_000, "all messages"), total);
  } finally {
    sub.close();
    xpub.close();
  }
});
