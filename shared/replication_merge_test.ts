import { deepStrictEqual } from "node:assert/strict";
import type { ChatRecord } from "./record.ts";
import { materialize, mergeRecords } from "./replication_merge.ts";

const R = {
  ana: {
    origin: "s2",
    seq: 1,
    clock: 5,
    timestamp: 10,
    op: "user",
    data: { user: "ana" },
  },
  anaAgain: {
    origin: "s1",
    seq: 1,
    clock: 7,
    timestamp: 11,
    op: "user",
    data: { user: "ana" },
  },
  login1: {
    origin: "s1",
    seq: 2,
    clock: 8,
    timestamp: 12,
    op: "login",
    data: { user: "ana" },
  },
  login2: {
    origin: "s2",
    seq: 2,
    clock: 8,
    timestamp: 12,
    op: "login",
    data: { user: "ana" },
  },
  geral: {
    origin: "s1",
    seq: 3,
    clock: 9,
    timestamp: 13,
    op: "channel",
    data: { channel: "geral", user: "ana" },
  },
  sub: {
    origin: "s1",
    seq: 4,
    clock: 10,
    timestamp: 14,
    op: "subscribe",
    data: { user: "ana", channel: "geral" },
  },
  subAgain: {
    origin: "s2",
    seq: 3,
    clock: 11,
    timestamp: 15,
    op: "subscribe",
    data: { user: "ana", channel: "geral" },
  },
  post: {
    origin: "s2",
    seq: 4,
    clock: 12,
    timestamp: 16,
    op: "publish",
    data: { user: "ana", channel: "geral", message: "oi" },
  },
  early: {
    origin: "s1",
    seq: 5,
    clock: 12,
    timestamp: 16,
    op: "publish",
    data: { user: "ana", channel: "geral", message: "olá" },
  },
  pm: {
    origin: "s1",
    seq: 6,
    clock: 13,
    timestamp: 17,
    op: "message",
    data: { src: "ana", dst: "bia", message: "psst" },
  },
} satisfies Record<string, ChatRecord>;
const ALL: ChatRecord[] = Object.values(R);

Deno.test("mergeRecords: one copy per id, in (clock, server, seq) order", () => {
  const merged = mergeRecords([R.post, R.ana], [R.ana, R.early, R.post]);
  deepStrictEqual(merged, [R.ana, R.early, R.post]);
});

Deno.test("materialize: builds every list in message order with ids", () => {
  const view = materialize(ALL);
  deepStrictEqual(view.users, [{
    user: "ana",
    id: "s2:1",
    server: "s2",
    seq: 1,
    clock: 5,
    timestamp: 10,
  }]);
  deepStrictEqual(view.logins.map((l) => l.id), ["s1:2", "s2:2"]);
  deepStrictEqual(view.channels, [{
    channel: "geral",
    user: "ana",
    id: "s1:3",
    server: "s1",
    seq: 3,
    clock: 9,
    timestamp: 13,
  }]);
  deepStrictEqual(view.subscriptions.map((s) => s.id), ["s1:4"]);
  // Same clock: the server name decides.
  deepStrictEqual(view.messages.map((m) => [m.id, m.message]), [
    ["s1:5", "olá"],
    ["s2:4", "oi"],
  ]);
  deepStrictEqual(view.privateMessages, [
    {
      src: "ana",
      dst: "bia",
      message: "psst",
      id: "s1:6",
      server: "s1",
      seq: 6,
      clock: 13,
      timestamp: 17,
    },
  ]);
});

Deno.test("materialize: arrival order and repetition do not change the view", () => {
  const expected = JSON.stringify(materialize(ALL));
  const reversed = [...ALL].reverse();
  const rotated = [...ALL.slice(4), ...ALL.slice(0, 4), ...ALL.slice(2, 6)];
  deepStrictEqual(JSON.stringify(materialize(reversed)), expected);
  deepStrictEqual(JSON.stringify(materialize(rotated)), expected);
});

Deno.test("materialize: a user and a channel of the same name both stay", () => {
  const clash: ChatRecord = {
    origin: "s3",
    seq: 1,
    clock: 1,
    timestamp: 1,
    op: "channel",
    data: { channel: "ana" },
  };
  const view = materialize([R.ana, clash]);
  deepStrictEqual(view.users.map((u) => u.user), ["ana"]);
  deepStrictEqual(view.channels.map((c) => c.channel), ["ana"]);
});
