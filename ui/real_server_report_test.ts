import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  readServerReport,
  REPORT_EVENTS_MAX,
  type ServerReport,
} from "./real_server_report.ts";

function report(data: Record<string, unknown>): ServerReport {
  const read = readServerReport(data);
  ok(typeof read !== "string", `not read: ${read}`);
  return read;
}

Deno.test("a full status reply is read with its extensions", () => {
  const read = report({
    name: "server_2",
    rank: 2,
    coordinator: "server_1",
    offset: 0.004,
    counts: {
      users: 3,
      channels: 2,
      messages: 10,
      privateMessages: 1,
      logins: 5,
      records: 21,
    },
    vector: { server_1: 12, server_2: 9 },
    digest: "00ff",
    lamport: 140,
    address: "tcp://127.0.0.1:5565",
    time: 1764190000.25,
    events: [
      {
        seq: 2,
        type: "catch_up",
        server: "server_2",
        from: "server_1",
        records: 7,
        timestamp: 1764189990,
      },
      {
        seq: 1,
        type: "election",
        coordinator: "server_1",
        timestamp: 1764189980,
        clock: 3,
      },
      {
        seq: 3,
        type: "berkeley",
        coordinator: "server_2",
        round: 4,
        adjustmentsMs: { server_1: -1.5, server_2: 2, bad: "x" },
        excluded: {},
        missing: [],
        timestamp: 1764189995,
      },
      { seq: 4, type: "coordinator_lost", previous: "server_1", timestamp: 1 },
      { seq: 5, type: "election", coordinator: "server_3", timestamp: 2 },
    ],
    lastEventSeq: 5,
    uptimeSeconds: 42.5,
    timestamp: 1764190000.3,
    clock: 141,
  });
  deepStrictEqual(read, {
    name: "server_2",
    rank: 2,
    coordinator: "server_1",
    lamport: 140,
    timeSeconds: 1764190000.25,
    counts: { users: 3, channels: 2, messages: 10, privateMessages: 1 },
    vector: { server_1: 12, server_2: 9 },
    address: "tcp://127.0.0.1:5565",
    events: [
      {
        seq: 1,
        type: "election",
        coordinator: "server_1",
        timestamp: 1764189980,
        clock: 3,
      },
      {
        seq: 2,
        type: "catch_up",
        server: "server_2",
        from: "server_1",
        records: 7,
        timestamp: 1764189990,
      },
      {
        seq: 3,
        type: "berkeley",
        coordinator: "server_2",
        adjustmentsMs: { server_1: -1.5, server_2: 2 },
        timestamp: 1764189995,
      },
      // Not used by the dashboard, and an election without its clock.
      { seq: 4, type: "other" },
      { seq: 5, type: "other" },
    ],
    lastEventSeq: 5,
    uptimeSeconds: 42.5,
  });
});

Deno.test("a protocol-only reply falls back to the stamp's clock and time", () => {
  const read = report({
    name: "server_1",
    coordinator: null,
    offset: 0,
    counts: {},
    vector: {},
    timestamp: 1764190000,
    clock: 9,
  });
  equal(read.rank, null);
  equal(read.coordinator, null);
  equal(read.lamport, 9);
  equal(read.timeSeconds, 1764190000);
  deepStrictEqual(read.counts, {
    users: 0,
    channels: 0,
    messages: 0,
    privateMessages: 0,
  });
  deepStrictEqual(read.events, []);
  equal(read.lastEventSeq, null);
  equal(read.uptimeSeconds, null);
});

Deno.test("wrong types are dropped, never trusted", () => {
  const read = report({
    name: "server_1",
    rank: -1,
    coordinator: 7,
    lamport: 1.5,
    time: Infinity,
    counts: { users: "many", channels: -2 },
    vector: { server_1: "x", server_2: 4 },
    events: [null, 3, { seq: "1" }, { seq: 0, type: "berkeley" }, {
      seq: 5,
      type: "catch_up",
      server: "server_1",
      records: -1,
      timestamp: 1,
    }],
    lastEventSeq: "5",
    uptimeSeconds: "long",
  });
  equal(read.rank, null);
  equal(read.coordinator, null);
  equal(read.lamport, null);
  equal(read.timeSeconds, null);
  equal(read.counts.users, 0);
  equal(read.counts.channels, 0);
  deepStrictEqual(read.vector, { server_2: 4 });
  deepStrictEqual(read.events, [{ seq: 5, type: "other" }]);
  equal(read.lastEventSeq, null);
  equal(read.uptimeSeconds, null);
});

Deno.test("a reply without a name is refused with a sentence", () => {
  equal(typeof readServerReport({ rank: 1 }), "string");
  equal(typeof readServerReport({ name: "" }), "string");
});

Deno.test("at most REPORT_EVENTS_MAX events are read, the newest", () => {
  const events = Array.from(
    { length: REPORT_EVENTS_MAX + 10 },
    (_, i) => ({ seq: i + 1, type: "other" }),
  );
  const read = report({ name: "s", events });
  equal(read.events.length, REPORT_EVENTS_MAX);
  equal(read.events[0].seq, 11);
});
