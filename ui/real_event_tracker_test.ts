import { deepStrictEqual } from "node:assert/strict";
import type { ClusterEvent } from "./cluster.ts";
import {
  ClusterEventTracker,
  type ServerObservation,
} from "./real_event_tracker.ts";
import type { RingEvent, ServerReport } from "./real_server_report.ts";

function report(
  name: string,
  events: RingEvent[],
  uptimeSeconds: number | null = 100,
): ServerReport {
  return {
    name,
    rank: 1,
    coordinator: "server_1",
    lamport: 1,
    timeSeconds: 1,
    counts: { users: 0, channels: 0, messages: 0, privateMessages: 0 },
    vector: {},
    address: null,
    events,
    lastEventSeq: events.at(-1)?.seq ?? 0,
    uptimeSeconds,
  };
}

function up(name: string, r?: ServerReport): ServerObservation {
  return { name, alive: true, listed: true, report: r ?? report(name, []) };
}

function silent(name: string, listed = true): ServerObservation {
  return { name, alive: false, listed, report: null };
}

function berkeley(seq: number, timestamp: number): RingEvent {
  return {
    seq,
    type: "berkeley",
    coordinator: "server_1",
    adjustmentsMs: { server_1: 1, server_2: -1 },
    timestamp,
  };
}

function catchUp(seq: number, server: string, records: number): RingEvent {
  return {
    seq,
    type: "catch_up",
    server,
    from: "server_2",
    records,
    timestamp: 50,
  };
}

Deno.test("the first coordinator is the baseline; each change is an election", () => {
  const tracker = new ClusterEventTracker();
  deepStrictEqual(tracker.announce("server_1", 10, 4), []);
  deepStrictEqual(tracker.announce("server_1", 10.5, 6), []);
  deepStrictEqual(tracker.announce("server_2", 14, 30), [
    { type: "election", coordinator: "server_2", timestamp: 14, clock: 30 },
  ]);
  deepStrictEqual(tracker.announce("server_2", 14.5, 31), []);
  deepStrictEqual(tracker.announce("server_1", 20, 40), [
    { type: "election", coordinator: "server_1", timestamp: 20, clock: 40 },
  ]);
});

Deno.test("the servers' agreement sets the baseline only before any announcement", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(1, [up("server_1")], "server_1");
  deepStrictEqual(tracker.announce("server_1", 2, 5), []);
  tracker.observe(3, [up("server_1")], "server_3");
  deepStrictEqual(tracker.coordinator, "server_1");
});

Deno.test("a listed server is down after two silent polls, up at its first answer", () => {
  const tracker = new ClusterEventTracker();
  deepStrictEqual(tracker.observe(1, [up("server_1"), up("server_2")]), []);
  deepStrictEqual(tracker.observe(2, [silent("server_1"), up("server_2")]), []);
  deepStrictEqual(tracker.observe(3, [silent("server_1"), up("server_2")]), [
    { type: "server_down", server: "server_1", timestamp: 3 },
  ]);
  deepStrictEqual(tracker.observe(4, [silent("server_1")]), []);
  deepStrictEqual(tracker.observe(5, [up("server_1")]), [
    { type: "server_up", server: "server_1", timestamp: 5 },
  ]);
});

Deno.test("one missed poll is not a failure, but leaving the list is", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(1, [up("server_1")]);
  deepStrictEqual(tracker.observe(2, [silent("server_1")]), []);
  deepStrictEqual(tracker.observe(3, [up("server_1")]), []);
  deepStrictEqual(tracker.observe(4, [silent("server_1", false)]), [
    { type: "server_down", server: "server_1", timestamp: 4 },
  ]);
});

Deno.test("a server first seen down makes no event until it comes up", () => {
  const tracker = new ClusterEventTracker();
  deepStrictEqual(tracker.observe(1, [silent("server_3")]), []);
  deepStrictEqual(tracker.observe(2, [silent("server_3")]), []);
  deepStrictEqual(tracker.observe(3, [up("server_3")]), [
    { type: "server_up", server: "server_3", timestamp: 3 },
  ]);
});

Deno.test("ring events are emitted once, from the first report's newest on", () => {
  const tracker = new ClusterEventTracker();
  const old = [berkeley(1, 10), berkeley(2, 20)];
  deepStrictEqual(
    tracker.observe(1, [up("server_1", report("server_1", old))]),
    [],
  );
  const events: ClusterEvent[] = tracker.observe(2, [
    up("server_1", report("server_1", [...old, berkeley(3, 30)])),
  ]);
  deepStrictEqual(events, [{
    type: "berkeley",
    coordinator: "server_1",
    adjustmentsMs: { server_1: 1, server_2: -1 },
    timestamp: 30,
  }]);
  deepStrictEqual(
    tracker.observe(3, [
      up("server_1", report("server_1", [...old, berkeley(3, 30)])),
    ]),
    [],
  );
});

Deno.test("a freshly started server's whole ring is news", () => {
  const tracker = new ClusterEventTracker();
  const events = tracker.observe(1, [
    up("server_3", report("server_3", [catchUp(1, "server_3", 12)], 2)),
  ]);
  deepStrictEqual(events, [{
    type: "catch_up",
    server: "server_3",
    from: "server_2",
    records: 12,
    timestamp: 50,
  }]);
});

Deno.test("a restarted server comes up, then its new ring is read from the start", () => {
  const tracker = new ClusterEventTracker();
  const before = [berkeley(1, 1), berkeley(2, 2), berkeley(3, 3)];
  tracker.observe(1, [up("server_1", report("server_1", before, 500))]);
  tracker.observe(2, [silent("server_1")]);
  tracker.observe(3, [silent("server_1")]);
  // Restarted: its ring starts again and it caught up.
  const events = tracker.observe(4, [
    up("server_1", report("server_1", [catchUp(1, "server_1", 4)], 1)),
  ]);
  deepStrictEqual(events.map((e) => e.type), ["server_up", "catch_up"]);
});

Deno.test("a restart whose ring already passed the cursor is told by the uptime", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(1, [
    up("server_1", report("server_1", [berkeley(1, 1)], 500)),
  ]);
  const after = [catchUp(1, "server_1", 2), berkeley(2, 8), berkeley(3, 9)];
  const events = tracker.observe(2, [
    up("server_1", report("server_1", after, 3)),
  ]);
  deepStrictEqual(events.map((e) => e.type), [
    "catch_up",
    "berkeley",
    "berkeley",
  ]);
});

Deno.test("beyond serversMax, servers are not tracked", () => {
  const tracker = new ClusterEventTracker({ serversMax: 1 });
  tracker.observe(1, [up("a"), up("b")]);
  deepStrictEqual(
    tracker.observe(2, [silent("a", false), silent("b", false)]),
    [
      { type: "server_down", server: "a", timestamp: 2 },
    ],
  );
});
