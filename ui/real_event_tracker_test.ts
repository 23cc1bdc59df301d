import { deepStrictEqual, equal } from "node:assert/strict";
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

Deno.test("the first coordinator is the baseline; each change is an election after the next poll", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 10, 4, 10);
  tracker.announce("server_1", 10.5, 6, 10.5);
  equal(tracker.awaitingPoll, false);
  deepStrictEqual(tracker.observe(11, []), []);
  tracker.announce("server_2", 14, 30, 14.01);
  tracker.announce("server_2", 14.5, 31, 14.51);
  equal(tracker.awaitingPoll, true);
  // A poll that started before the announcement arrived cannot tell.
  deepStrictEqual(tracker.observe(14.2, [], null, 13.9), []);
  deepStrictEqual(tracker.observe(14.3, [], null, 14.25), [
    { type: "election", coordinator: "server_2", timestamp: 14, clock: 30 },
  ]);
  equal(tracker.awaitingPoll, false);
  tracker.announce("server_1", 20, 40, 20);
  deepStrictEqual(tracker.observe(20.5, []), [
    { type: "election", coordinator: "server_1", timestamp: 20, clock: 40 },
  ]);
});

Deno.test("the servers' agreement sets the baseline only before any announcement", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(1, [up("server_1")], "server_1");
  tracker.announce("server_1", 2, 5, 2);
  deepStrictEqual(tracker.observe(3, [up("server_1")], "server_3"), []);
  deepStrictEqual(tracker.coordinator, "server_1");
});

Deno.test("a listed server is down after two silent polls, up at its first answer", () => {
  const tracker = new ClusterEventTracker();
  deepStrictEqual(tracker.observe(1, [up("server_1"), up("server_2")]), []);
  deepStrictEqual(tracker.observe(2, [silent("server_1"), up("server_2")]), []);
  // Stamped at the first poll that found it silent.
  deepStrictEqual(tracker.observe(3, [silent("server_1"), up("server_2")]), [
    { type: "server_down", server: "server_1", timestamp: 2 },
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

function election(
  seq: number,
  coordinator: string,
  timestamp: number,
  clock = 7,
): RingEvent {
  return { seq, type: "election", coordinator, timestamp, clock };
}

Deno.test("an election nobody announced to the UI comes from the coordinator's own ring, at its time", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  tracker.observe(101, [
    up("server_2", report("server_2", [berkeley(1, 90)])),
    up("server_3", report("server_3", [])),
  ]);
  // server_1 fails; server_2 wins at 118.659 while the UI hears nothing.
  const events = tracker.observe(125, [
    up(
      "server_2",
      report("server_2", [
        berkeley(1, 90),
        election(2, "server_2", 118.659, 40),
      ]),
    ),
    // A follower's record of the same election is a copy, not an event.
    up("server_3", report("server_3", [election(1, "server_2", 118.7, 41)])),
  ]);
  deepStrictEqual(events, [
    {
      type: "election",
      coordinator: "server_2",
      timestamp: 118.659,
      clock: 40,
    },
  ]);
});

Deno.test("an announced election is reported with the coordinator's own time when its ring has it", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  tracker.observe(101, [up("server_2", report("server_2", []))]);
  // The UI missed server_2's first announcements: it hears one at 119.2.
  tracker.announce("server_2", 119.2, 44, 119.2);
  deepStrictEqual(
    tracker.observe(
      120,
      [
        up(
          "server_2",
          report("server_2", [election(1, "server_2", 118.659, 40)]),
        ),
      ],
      null,
      119.3,
    ),
    [
      {
        type: "election",
        coordinator: "server_2",
        timestamp: 118.659,
        clock: 40,
      },
    ],
  );
  equal(tracker.awaitingPoll, false);
});

Deno.test("an event recorded before a Berkeley round moved its server's clock is moved back by it", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  // server_3 restarted with its clock 0.5 s behind: it won at 106 (105.5 on
  // its clock), then its first round moved it forward by 500 ms.
  const restarted: ServerObservation = {
    ...up("server_3", {
      ...report("server_3", [
        election(1, "server_3", 105.5),
        {
          seq: 2,
          type: "berkeley",
          coordinator: "server_3",
          adjustmentsMs: { server_1: -250, server_3: 500 },
          timestamp: 107,
        },
        catchUp(3, "server_3", 4),
      ], 8),
      timeSeconds: 110,
    }),
    answeredSeconds: 110,
  };
  deepStrictEqual(
    tracker.observe(110.2, [restarted]).map((e) => [e.type, e.timestamp]),
    // The catch-up came after the round (seq 3): its stamp is already right.
    [["election", 106], ["berkeley", 107], ["catch_up", 50]],
  );
});

Deno.test("an election both announced and in the coordinator's ring is one event, whichever comes first", () => {
  const announcedFirst = new ClusterEventTracker();
  announcedFirst.announce("server_1", 100, 5, 100);
  announcedFirst.observe(101, [up("server_2", report("server_2", []))]);
  announcedFirst.announce("server_2", 118.7, 40, 118.7);
  // The poll after it could not reach server_2: the announcement stands.
  deepStrictEqual(
    announcedFirst.observe(119.5, [silent("server_2")], null, 118.8).length,
    1,
  );
  deepStrictEqual(
    announcedFirst.observe(120, [
      up("server_2", report("server_2", [election(1, "server_2", 118.659)])),
    ]),
    [],
  );

  const ringFirst = new ClusterEventTracker();
  ringFirst.announce("server_1", 100, 5, 100);
  ringFirst.observe(101, [up("server_2", report("server_2", []))]);
  deepStrictEqual(
    ringFirst.observe(120, [
      up("server_2", report("server_2", [election(1, "server_2", 118.659)])),
    ]).map((e) => e.timestamp),
    [118.659],
  );
  // The announcement comes late (a proxy outage): the same reign.
  ringFirst.announce("server_2", 140, 60, 140);
  deepStrictEqual(ringFirst.observe(141, []), []);
  deepStrictEqual(ringFirst.coordinator, "server_2");
});

Deno.test("a coordinator elected again after someone else is a new election", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  tracker.observe(101, [up("server_1", report("server_1", []))]);
  tracker.announce("server_2", 110, 20, 110);
  equal(tracker.observe(111, []).length, 1);
  tracker.announce("server_1", 130, 30, 130);
  equal(tracker.observe(130.5, [silent("server_1")]).length, 1);
  // server_1's ring holds its win at 129.9: the announcement's twin.
  deepStrictEqual(
    tracker.observe(131, [
      up("server_1", report("server_1", [election(1, "server_1", 129.9)])),
    ]),
    [],
  );
});

Deno.test("down is stamped at the first silent poll, up at the server's own start", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(10, [up("server_1")]);
  deepStrictEqual(tracker.observe(15, [silent("server_1")]), []);
  deepStrictEqual(tracker.observe(20, [silent("server_1")]), [
    { type: "server_down", server: "server_1", timestamp: 15 },
  ]);
  // Restarted at 27 (answered at 29.5 with 2.5 s of uptime); the poll at
  // 28 found it still starting.
  tracker.observe(28, [silent("server_1", false)]);
  const back: ServerObservation = {
    ...up("server_1", report("server_1", [], 2.5)),
    answeredSeconds: 29.5,
  };
  deepStrictEqual(tracker.observe(30, [back]), [
    { type: "server_up", server: "server_1", timestamp: 27 },
  ]);
});

Deno.test("an up whose start is not after it went down is stamped at the poll", () => {
  const tracker = new ClusterEventTracker();
  tracker.observe(10, [up("server_1")]);
  tracker.observe(15, [silent("server_1", false)]);
  // Long uptime: it never restarted (it was unreachable).
  const back: ServerObservation = {
    ...up("server_1", report("server_1", [], 500)),
    answeredSeconds: 19.5,
  };
  deepStrictEqual(tracker.observe(20, [back]), [
    { type: "server_up", server: "server_1", timestamp: 20 },
  ]);
});

Deno.test("times the servers stamp are moved onto the UI's clock", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  tracker.observe(101, [up("server_2", report("server_2", []))]);
  // server_2's clock runs 0.8 s ahead of the UI's.
  const ahead = (events: RingEvent[]): ServerObservation => ({
    ...up("server_2", { ...report("server_2", events), timeSeconds: 120.8 }),
    answeredSeconds: 120,
  });
  deepStrictEqual(
    tracker.observe(120.5, [ahead([berkeley(1, 110.8)])]).map((e) =>
      e.timestamp
    ),
    [110],
  );
  tracker.announce("server_2", 130.8, 40, 130.05);
  deepStrictEqual(tracker.observe(130.5, []), [
    { type: "election", coordinator: "server_2", timestamp: 130, clock: 40 },
  ]);
  // Unstamped: the time it arrived.
  tracker.announce("server_3", null, 41, 140);
  deepStrictEqual(tracker.observe(140.5, []), [
    { type: "election", coordinator: "server_3", timestamp: 140, clock: 41 },
  ]);
});

Deno.test("a new coordinator's election stays before its first round, even when that round moved its clock back by more than the gap", () => {
  const tracker = new ClusterEventTracker();
  tracker.announce("server_1", 100, 5, 100);
  tracker.observe(101, [
    up("server_3", report("server_3", [])),
    up("server_2", report("server_2", [])),
  ]);
  // server_3's clock was 0.6 s ahead: it won at 109.9 (110.5 on its clock)
  // and its round at 110 moved it back 600 ms (and server_2 forward 250).
  // Meanwhile server_2, 0.25 s behind, caught up at 109.95 (109.7 on its
  // clock).
  const coordinator: ServerObservation = {
    ...up("server_3", {
      ...report("server_3", [
        election(1, "server_3", 110.5),
        {
          seq: 2,
          type: "berkeley",
          coordinator: "server_3",
          adjustmentsMs: { server_3: -600, server_2: 250 },
          timestamp: 110,
        },
      ]),
      timeSeconds: 111,
    }),
    answeredSeconds: 111,
  };
  const follower: ServerObservation = {
    ...up("server_2", {
      ...report("server_2", [{
        seq: 1,
        type: "catch_up",
        server: "server_2",
        from: "server_3",
        records: 2,
        timestamp: 109.7,
      }]),
      timeSeconds: 111,
    }),
    answeredSeconds: 111,
  };
  const events = tracker.observe(111.1, [coordinator, follower]);
  deepStrictEqual(
    events.map((e) => [e.type, Math.round(e.timestamp * 1000) / 1000]),
    [["election", 109.9], ["berkeley", 110], ["catch_up", 109.95]],
  );
});
