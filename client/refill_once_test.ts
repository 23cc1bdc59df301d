/**
 * `ChatSession.refill()` never shows a message twice, however many other
 * messages were shown meanwhile (in the same channel or elsewhere). A fake
 * cluster client: a store per channel and live feeds driven by the test.
 */

import assert from "node:assert/strict";
import type { AgoraClient } from "@agora/shared/client";
import type { ChannelMessage } from "@agora/shared/protocol";
import { createStyle } from "./format.ts";
import { ChatSession, REFILL_PAGE } from "./session.ts";

/** A message of `channel` whose order is `seq` (one origin server). */
function _message(channel: string, seq: number): ChannelMessage {
  return {
    id: `server_1:${seq}`,
    user: "bob",
    channel,
    message: `${channel} ${seq}.`,
    timestamp: 1_700_000_000 + seq,
    clock: seq,
    server: "server_1",
  };
}

/** A fake cluster: stored messages per channel, live feeds by channel. */
function _fakeCluster() {
  const stored = new Map<string, ChannelMessage[]>();
  const live = new Map<string, (message: ChannelMessage) => void>();
  let nextSeq = 1;
  const client = {
    clock: { value: 0 },
    login: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    onPrivate: () => ({ close() {} }),
    onChannel: (channel: string, onMessage: (m: ChannelMessage) => void) => {
      live.set(channel, onMessage);
      return { close: () => live.delete(channel) };
    },
    history: (channel: string, page: { limit?: number } = {}) =>
      Promise.resolve((stored.get(channel) ?? []).slice(-(page.limit ?? 50))),
  } as unknown as AgoraClient;
  return {
    client,
    /** Stores a message; `delivered` also sends it live. */
    post(channel: string, delivered: boolean): ChannelMessage {
      const message = _message(channel, nextSeq++);
      stored.set(channel, [...(stored.get(channel) ?? []), message]);
      if (delivered) live.get(channel)?.(message);
      return message;
    },
  };
}

async function _session(client: AgoraClient, lines: string[]) {
  return await ChatSession.start({
    client,
    user: "ana",
    print: (line) => lines.push(line),
    style: createStyle(false),
    utc: true,
  });
}

/** How often `message` was printed. */
function _times(lines: string[], message: ChannelMessage): number {
  return _counts(lines).get(message.message) ?? 0;
}

const countsCache = new WeakMap<string[], [number, Map<string, number>]>();

/** How often each message text was printed (recounted when lines grew). */
function _counts(lines: string[]): Map<string, number> {
  const cached = countsCache.get(lines);
  if (cached && cached[0] === lines.length) return cached[1];
  const counts = new Map<string, number>();
  for (const line of lines) {
    const text = / <bob> (.*) {2}L\d+$/.exec(line)?.[1];
    if (text !== undefined) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  countsCache.set(lines, [lines.length, counts]);
  return counts;
}

Deno.test("refill() never reshows a quiet channel's messages after thousands elsewhere", async () => {
  const cluster = _fakeCluster();
  const quiet = Array.from({ length: 10 }, () => cluster.post("quiet", false));
  const lines: string[] = [];
  const session = await _session(cluster.client, lines);
  try {
    await session.execute("/join quiet");
    await session.execute("/join busy");
    for (const message of quiet) assert.equal(_times(lines, message), 1);
    assert.equal(await session.refill(), 0);
    // Bots at one message a second: about an hour and a half.
    for (let i = 0; i < 6000; i++) cluster.post("busy", true);
    assert.equal(await session.refill(), 0);
    for (const message of quiet) assert.equal(_times(lines, message), 1);
  } finally {
    session.close();
  }
});

Deno.test("refill() never reshows a busy channel's own messages", async () => {
  const cluster = _fakeCluster();
  const lines: string[] = [];
  const session = await _session(cluster.client, lines);
  try {
    await session.execute("/join busy");
    const shown = Array.from(
      { length: 6000 },
      () => cluster.post("busy", true),
    );
    assert.equal(await session.refill(), 0);
    const missed = cluster.post("busy", false);
    assert.equal(await session.refill(), 1);
    assert.equal(await session.refill(), 0);
    assert.equal(_times(lines, missed), 1);
    for (const message of shown.slice(-2 * REFILL_PAGE)) {
      assert.equal(_times(lines, message), 1);
    }
  } finally {
    session.close();
  }
});

Deno.test("refill() shows each missed message once over many pages", async () => {
  const cluster = _fakeCluster();
  const lines: string[] = [];
  const session = await _session(cluster.client, lines);
  try {
    await session.execute("/join general");
    const posted: ChannelMessage[] = [];
    // Pages full of a mix of live and missed messages, refilled often.
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 30; i++) {
        posted.push(cluster.post("general", (round + i) % 3 !== 0));
      }
      await session.refill();
    }
    for (const message of posted) assert.equal(_times(lines, message), 1);
  } finally {
    session.close();
  }
});

Deno.test("refill() shows nothing older than the join showed", async () => {
  const cluster = _fakeCluster();
  const old = Array.from({ length: 15 }, () => cluster.post("general", false));
  const lines: string[] = [];
  const session = await _session(cluster.client, lines);
  try {
    await session.execute("/join general");
    assert.equal(await session.refill(), 0);
    assert.equal(_times(lines, old[0]), 0);
    assert.equal(_times(lines, old[14]), 1);
  } finally {
    session.close();
  }
});
