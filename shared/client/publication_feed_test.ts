import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { LamportClock } from "@agora/shared/lamport";
import {
  type ChannelMessage,
  encodeChannelPublication,
  encodeElectionPublication,
  encodePrivatePublication,
  type PrivateMessage,
} from "@agora/shared/protocol";
import { Publisher, startProxy } from "@agora/shared/zmq";
import { PublicationFeed } from "./publication_feed.ts";
import { waitFor } from "./testing/wait_for.ts";

function channelMessage(
  channel: string,
  text: string,
  clock = 1,
): ChannelMessage {
  return {
    id: `server_1:${clock}`,
    user: "ana",
    channel,
    message: text,
    timestamp: 1764190000.25,
    clock,
    server: "server_1",
  };
}

function privateMessage(dst: string, text: string): PrivateMessage {
  return {
    id: "server_1:99",
    src: "bia",
    dst,
    user: "bia",
    message: text,
    timestamp: 1764190000.5,
    clock: 3,
    server: "server_1",
  };
}

async function withProxy(
  test: (pub: Publisher, feed: PublicationFeed, clock: LamportClock) => Promise<
    void
  >,
): Promise<void> {
  const proxy = await startProxy({
    frontend: { type: "xsub", bind: "tcp://127.0.0.1:*" },
    backend: { type: "xpub", bind: "tcp://127.0.0.1:*" },
  });
  const pub = new Publisher({ linger: 0 });
  pub.connect(proxy.frontendEndpoint);
  const clock = new LamportClock();
  const feed = new PublicationFeed({ endpoint: proxy.backendEndpoint, clock });
  try {
    await test(pub, feed, clock);
  } finally {
    await feed.close();
    pub.close();
    await proxy.stop();
  }
}

/** Publishes probes on `topic` until one arrives (slow-joiner guard). */
async function confirmSubscription(
  pub: Publisher,
  feed: PublicationFeed,
  topic: string,
): Promise<void> {
  let seen = false;
  const probe = feed.onChannel(topic, () => seen = true);
  await waitFor(
    () => {
      if (!seen) {
        pub.send(
          encodeChannelPublication(channelMessage(topic, "probe")),
        );
      }
      return seen;
    },
    5000,
    `the subscription to "${topic}" to cross the proxy`,
  );
  probe.close();
}

Deno.test("a user Lu never sees messages for Lucas (exact topic matching)", async () => {
  await withProxy(async (pub, feed) => {
    const forLu: string[] = [];
    feed.onPrivate("Lu", (m) => forLu.push(m.message));
    await confirmSubscription(pub, feed, "Lu-probe");
    // "Lu-probe" is not "Lu": the probes themselves must not reach Lu.
    await pub.send(encodePrivatePublication(privateMessage("Lucas", "no")));
    await pub.send(encodePrivatePublication(privateMessage("Lu", "yes")));
    await waitFor(() => forLu.length > 0, 5000, "the message to Lu");
    assertEquals(forLu, ["yes"]);
    // The socket's prefix match let "Lucas" (and "Lu-probe") in: counted, dropped.
    assertEquals(feed.stats.filtered >= 1, true);
  });
});

Deno.test("channel, private and servers publications reach their typed listeners and iterators", async () => {
  await withProxy(async (pub, feed, clock) => {
    const channel: ChannelMessage[] = [];
    const announcements: string[] = [];
    feed.onChannel("general", (m) => channel.push(m));
    feed.onServers((a) => announcements.push(a.coordinator));
    const inbox = feed.privateMessages("ana");
    await confirmSubscription(pub, feed, "general");
    channel.length = 0;
    await pub.send(
      encodeChannelPublication(channelMessage("general", "hi", 41)),
    );
    await pub.send(
      encodeElectionPublication("server_2", { timestamp: 1, clock: 7 }),
    );
    await pub.send(encodePrivatePublication(privateMessage("ana", "psst")));
    const next = await inbox.next();
    assertEquals(next.done, false);
    assertEquals((next.value as PrivateMessage).message, "psst");
    await waitFor(
      () => channel.length === 1 && announcements.length === 1,
      5000,
      "the channel message and the announcement",
    );
    assertEquals(channel[0].message, "hi");
    assertEquals(channel[0].clock, 41);
    assertEquals(announcements, ["server_2"]);
    // Every received clock was merged.
    assertEquals(clock.value > 41, true);
    inbox.close();
    assertEquals(feed.topics.includes("ana"), false);
  });
});

Deno.test("malformed publications are dropped and counted, and the feed keeps going", async () => {
  await withProxy(async (pub, feed) => {
    const got: string[] = [];
    feed.onChannel("room", (m) => got.push(m.message));
    await confirmSubscription(pub, feed, "room");
    got.length = 0;
    const before = feed.stats.malformed;
    await pub.send(["room", new Uint8Array([0xc1, 0xff])]); // not MessagePack
    await pub.send(["room"]); // one frame
    await pub.send(["room", "a", "b"]); // three frames
    await pub.send(
      encodeChannelPublication({ ...channelMessage("other", "wrong topic") })
        .map((f, i) => i === 0 ? new TextEncoder().encode("room") : f),
    );
    await pub.send(encodeChannelPublication(channelMessage("room", "fine")));
    await waitFor(() => got.length === 1, 5000, "the valid message");
    assertEquals(got, ["fine"]);
    assertEquals(feed.stats.malformed - before, 4);
  });
});

Deno.test("a listener that throws does not stop the others; closed listeners get nothing", async () => {
  await withProxy(async (pub, feed) => {
    const got: string[] = [];
    feed.onChannel("room", () => {
      throw new Error("listener bug");
    });
    const closed = feed.onChannel("room", () => got.push("closed one"));
    feed.onChannel("room", (m) => got.push(m.message));
    await confirmSubscription(pub, feed, "room");
    got.length = 0;
    closed.close();
    closed.close();
    await pub.send(encodeChannelPublication(channelMessage("room", "after")));
    await waitFor(() => got.length === 1, 5000, "the message");
    assertEquals(got, ["after"]);
    assertEquals(feed.stats.listenerErrors >= 1, true);
  });
});

Deno.test("close() ends iterators and later subscriptions fail with code closed", async () => {
  const proxy = await startProxy({
    frontend: { type: "xsub", bind: "tcp://127.0.0.1:*" },
    backend: { type: "xpub", bind: "tcp://127.0.0.1:*" },
  });
  const feed = new PublicationFeed({ endpoint: proxy.backendEndpoint });
  try {
    const stream = feed.channelMessages("general");
    const pending = stream.next();
    await feed.close();
    assertEquals(await pending, { value: undefined, done: true });
    let code = "";
    try {
      feed.onChannel("x", () => {});
    } catch (error) {
      code = (error as { code: string }).code;
    }
    assertEquals(code, "closed");
    await feed.close();
  } finally {
    await proxy.stop();
  }
});
