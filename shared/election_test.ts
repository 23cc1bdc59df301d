import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  Election,
  ELECTION_TIMINGS,
  type ElectionAction,
  type ElectionInput,
  type Peer,
} from "./election.ts";

const S1: Peer = { name: "server_1", rank: 1 };
const S2: Peer = { name: "server_2", rank: 2 };
const S3: Peer = { name: "server_3", rank: 3 };
const T = ELECTION_TIMINGS;

/** An `announcement` input; `clock` only for a signed one. */
function announcement(
  nowMs: number,
  coordinator: string,
  rank?: number,
  clock?: number,
): ElectionInput {
  return {
    type: "announcement",
    nowMs,
    coordinator,
    ...(rank === undefined ? {} : { rank }),
    ...(clock === undefined ? {} : { clock }),
  };
}

/** server_2 following server_1, as after a normal start. */
function follower(): Election {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "announcement", nowMs: 10, coordinator: "server_1", rank: 1 });
  return e;
}

/** server_2 as coordinator (server_1 is not running). */
function coordinator(): Election {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S2, S3] });
  return e;
}

Deno.test("Election: a server with no higher peer wins at once and announces", () => {
  const e = new Election({ name: "server_1", rank: 1 });
  const actions = e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  assertEquals(actions, [
    { type: "coordinator_changed", coordinator: "server_1", previous: null },
    { type: "announce", coordinator: "server_1", rank: 1 },
  ]);
  assertEquals(e.isCoordinator, true);
  assertEquals(e.phase, "idle");
});

Deno.test("Election: a starting server asks peers' status and accepts a higher coordinator", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  assertEquals(e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] }), [
    { type: "query_status", to: "server_1" },
    { type: "query_status", to: "server_3" },
  ]);
  assertEquals(e.phase, "discovering");
  assertEquals(
    e.step({ type: "status_reply", nowMs: 5, coordinator: "server_1" }),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
  assertEquals(e.phase, "idle");
  assertEquals(e.electionsStarted, 0);
});

Deno.test("Election: a starting server that hears of a lower coordinator takes over", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  assertEquals(
    e.step({ type: "status_reply", nowMs: 5, coordinator: "server_3" }),
    [{ type: "send_election", to: "server_1" }],
  );
  assertEquals(e.phase, "electing");
});

Deno.test("Election: with no coordinator learned by the startup wait, an election starts", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  assertEquals(e.step({ type: "tick", nowMs: T.startupWaitMs - 1 }), []);
  assertEquals(e.step({ type: "tick", nowMs: T.startupWaitMs }), [
    { type: "send_election", to: "server_1" },
  ]);
});

Deno.test("Election: no OK within the reply timeout means victory", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "tick", nowMs: 1_000 });
  assertEquals(
    e.step({ type: "tick", nowMs: 1_000 + T.electionReplyTimeoutMs - 1 }),
    [],
  );
  assertEquals(
    e.step({ type: "tick", nowMs: 1_000 + T.electionReplyTimeoutMs }),
    [
      { type: "coordinator_changed", coordinator: "server_2", previous: null },
      { type: "announce", coordinator: "server_2", rank: 2 },
    ],
  );
});

Deno.test("Election: an OK defers to the higher server; its announcement ends the wait", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "tick", nowMs: 1_000 });
  assertEquals(
    e.step({ type: "election_ok", nowMs: 1_002, from: "server_1" }),
    [],
  );
  assertEquals(e.phase, "awaiting");
  // Past the reply timeout nothing happens: someone higher is alive.
  assertEquals(e.step({ type: "tick", nowMs: 1_600 }), []);
  assertEquals(
    e.step(announcement(1_700, "server_1", 1)),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
  assertEquals(e.phase, "idle");
});

Deno.test("Election: an OK from a lower server does not stop the election", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "tick", nowMs: 1_000 });
  assertEquals(
    e.step({ type: "election_ok", nowMs: 1_002, from: "server_3" }),
    [],
  );
  assertEquals(e.phase, "electing");
});

Deno.test("Election: an OK without an announcement asks the higher servers and elects again", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "tick", nowMs: 1_000 });
  e.step({ type: "election_ok", nowMs: 1_002, from: "server_1" });
  assertEquals(
    e.step({ type: "tick", nowMs: 1_002 + T.announcementTimeoutMs }),
    [
      { type: "query_status", to: "server_1" },
      { type: "send_election", to: "server_1" },
    ],
  );
  assertEquals(e.electionsStarted, 2);
  // server_1 won, but its announcement cannot reach us (no proxy): its
  // status reply ends the election all the same.
  assertEquals(
    e.step({
      type: "status_reply",
      nowMs: 2_010,
      coordinator: "server_1",
      from: "server_1",
    }),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
  assertEquals(e.phase, "idle");
});

Deno.test("Election: without announcements, the coordinator's own status reply renews the lease", () => {
  const e = follower(); // heard server_1 at 10 ms
  const probeAt = 10 + 1.5 * T.announceIntervalMs + 1;
  assertEquals(e.step({ type: "tick", nowMs: probeAt - 2 }), []);
  assertEquals(e.step({ type: "tick", nowMs: probeAt }), [
    { type: "query_status", to: "server_1" },
  ]);
  // At most one probe per half interval.
  assertEquals(e.step({ type: "tick", nowMs: probeAt + 10 }), []);
  // Another server's view, or a reply naming someone else, renews nothing.
  e.step({
    type: "status_reply",
    nowMs: probeAt + 20,
    coordinator: "server_1",
    from: "server_3",
  });
  e.step({
    type: "status_reply",
    nowMs: probeAt + 20,
    coordinator: "server_3",
    from: "server_1",
  });
  assertEquals(e.coordinator, "server_1");
  // The proxy stays down for a long time: every answer keeps server_1.
  let now = probeAt;
  for (; now < 20_000; now += 50) {
    for (const action of e.step({ type: "tick", nowMs: now })) {
      assertEquals(action, { type: "query_status", to: "server_1" });
      e.step({
        type: "status_reply",
        nowMs: now + 5,
        coordinator: "server_1",
        from: "server_1",
      });
    }
  }
  assertEquals(e.coordinator, "server_1");
  assertEquals(e.phase, "idle");
  assertEquals(e.electionsStarted, 0);
  // Once it stops answering, the lease runs out as before.
  const lost = e.step({ type: "tick", nowMs: now + T.coordinatorLeaseMs + 10 });
  assertEquals(lost.slice(0, 2), [
    { type: "coordinator_changed", coordinator: null, previous: "server_1" },
    { type: "send_election", to: "server_1" },
  ]);
});

Deno.test("Election: the coordinator repeats its announcement every interval", () => {
  const e = coordinator();
  assertEquals(e.step({ type: "tick", nowMs: T.announceIntervalMs - 1 }), []);
  assertEquals(e.step({ type: "tick", nowMs: T.announceIntervalMs }), [
    { type: "announce", coordinator: "server_2", rank: 2 },
  ]);
  assertEquals(e.step({ type: "tick", nowMs: T.announceIntervalMs + 10 }), []);
});

Deno.test("Election: silence for the lease means the coordinator is dead", () => {
  const e = follower();
  // Before the lease ends the coordinator is asked directly (no answer here).
  assertEquals(e.step({ type: "tick", nowMs: 10 + T.coordinatorLeaseMs }), [
    { type: "query_status", to: "server_1" },
  ]);
  assertEquals(e.step({ type: "tick", nowMs: 11 + T.coordinatorLeaseMs }), [
    { type: "coordinator_changed", coordinator: null, previous: "server_1" },
    { type: "send_election", to: "server_1" },
  ]);
});

Deno.test("Election: periodic announcements keep the lease fresh", () => {
  const e = follower();
  for (let now = 500; now <= 5_000; now += 500) {
    e.step(announcement(now, "server_1", 1));
    assertEquals(e.step({ type: "tick", nowMs: now + 1 }), []);
  }
  assertEquals(e.coordinator, "server_1");
});

Deno.test("Election: a failed request to the coordinator starts an election at once", () => {
  const e = follower();
  assertEquals(
    e.step({ type: "coordinator_unreachable", nowMs: 20, name: "server_3" }),
    [],
  );
  assertEquals(
    e.step({ type: "coordinator_unreachable", nowMs: 20, name: "server_1" }),
    [
      { type: "coordinator_changed", coordinator: null, previous: "server_1" },
      { type: "send_election", to: "server_1" },
    ],
  );
});

Deno.test("Election: a silent coordinator gone from the reference's list is dead", () => {
  const e = follower(); // last heard at 10 ms
  assertEquals(e.step({ type: "peers", nowMs: 20, peers: [S1, S2, S3] }), []);
  // Heard from recently: the list is stale, not the coordinator dead.
  assertEquals(e.step({ type: "peers", nowMs: 30, peers: [S2, S3] }), []);
  assertEquals(e.coordinator, "server_1");
  const silentMs = 2 * T.announceIntervalMs + 1;
  assertEquals(
    e.step({ type: "peers", nowMs: 10 + silentMs, peers: [S2, S3] }),
    [
      { type: "coordinator_changed", coordinator: null, previous: "server_1" },
      { type: "coordinator_changed", coordinator: "server_2", previous: null },
      { type: "announce", coordinator: "server_2", rank: 2 },
    ],
  );
});

Deno.test("Election: an election request from below starts our own election", () => {
  const e = follower();
  assertEquals(e.step({ type: "election_request", nowMs: 20, fromRank: 3 }), [
    { type: "send_election", to: "server_1" },
  ]);
  // Already electing: a second request changes nothing.
  assertEquals(
    e.step({ type: "election_request", nowMs: 21, fromRank: 3 }),
    [],
  );
  // The coordinator, alive, answers and announces: back to idle.
  e.step({ type: "election_ok", nowMs: 22, from: "server_1" });
  e.step({ type: "announcement", nowMs: 23, coordinator: "server_1", rank: 1 });
  assertEquals(e.phase, "idle");
  assertEquals(e.step({ type: "tick", nowMs: 23 + T.coordinatorLeaseMs }), [
    { type: "query_status", to: "server_1" },
  ]);
  assertEquals(e.coordinator, "server_1");
});

Deno.test("Election: an election request without a rank (course client) counts as from below", () => {
  const e = follower();
  assertEquals(e.step({ type: "election_request", nowMs: 20 }), [
    { type: "send_election", to: "server_1" },
  ]);
});

Deno.test("Election: an election request from above is left to the sender", () => {
  const e = coordinator();
  assertEquals(
    e.step({ type: "election_request", nowMs: 20, fromRank: 1 }),
    [],
  );
});

Deno.test("Election: the coordinator answers an election from below by announcing", () => {
  const e = coordinator();
  assertEquals(e.step({ type: "election_request", nowMs: 20, fromRank: 3 }), [
    { type: "announce", coordinator: "server_2", rank: 2 },
  ]);
  assertEquals(e.electionsStarted, 1);
});

Deno.test("Election: the coordinator steps down for a higher announcement", () => {
  const e = coordinator();
  assertEquals(
    e.step(announcement(20, "server_1", 1)),
    [{
      type: "coordinator_changed",
      coordinator: "server_1",
      previous: "server_2",
    }],
  );
  assertEquals(e.isCoordinator, false);
  // No more announcements from us (only a probe of the new coordinator,
  // silent since 20 ms).
  assertEquals(e.step({ type: "tick", nowMs: 1_000 }), [
    { type: "query_status", to: "server_1" },
  ]);
});

Deno.test("Election: the coordinator overrules a lower announcement", () => {
  const e = coordinator();
  assertEquals(
    e.step(announcement(20, "server_3", 3)),
    [{ type: "announce", coordinator: "server_2", rank: 2 }],
  );
  assertEquals(e.isCoordinator, true);
});

Deno.test("Election: a lower announcement under a live higher coordinator is left to it", () => {
  const e = new Election({ name: "server_3", rank: 3 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step({ type: "announcement", nowMs: 10, coordinator: "server_1", rank: 1 });
  assertEquals(
    e.step(announcement(20, "server_2", 2)),
    [],
  );
  assertEquals(e.coordinator, "server_1");
});

Deno.test("Election: a claim below us with no live better coordinator starts an election", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S2, S3] });
  e.step({ type: "announcement", nowMs: 1, coordinator: "server_1", rank: 1 });
  // server_1 went silent; server_3 now claims the role.
  assertEquals(
    e.step(announcement(5_000, "server_3", 3)),
    [
      {
        type: "coordinator_changed",
        coordinator: "server_2",
        previous: "server_1",
      },
      { type: "announce", coordinator: "server_2", rank: 2 },
    ],
  );
});

Deno.test("Election: a returning higher server's announcement is accepted at once", () => {
  const e = new Election({ name: "server_3", rank: 3 });
  e.step({ type: "start", nowMs: 0, peers: [S2, S3] });
  e.step({ type: "announcement", nowMs: 10, coordinator: "server_2", rank: 2 });
  assertEquals(
    e.step(announcement(20, "server_1", 1)),
    [{
      type: "coordinator_changed",
      coordinator: "server_1",
      previous: "server_2",
    }],
  );
});

Deno.test("Election: an announcement without a rank uses the reference's list", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  assertEquals(
    e.step({ type: "announcement", nowMs: 5, coordinator: "server_1" }),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
  // An unknown claimant is not accepted over a live coordinator.
  assertEquals(
    e.step({ type: "announcement", nowMs: 6, coordinator: "server_9" }),
    [],
  );
});

Deno.test("Election: our own announcement coming back is ignored", () => {
  const e = coordinator();
  assertEquals(
    e.step(announcement(5, "server_2", 2)),
    [],
  );
});

Deno.test("Election: inputs before start are ignored and time never runs backwards", () => {
  const e = new Election({ name: "server_2", rank: 2 });
  assertEquals(e.step({ type: "tick", nowMs: 0 }), []);
  assertEquals(e.phase, "stopped");
  e.step({ type: "start", nowMs: 1_000, peers: [S1, S2] });
  // A clock jumping back does not postpone the startup deadline forever.
  assertEquals(e.step({ type: "tick", nowMs: 0 }), []);
  assertEquals(e.step({ type: "tick", nowMs: 2_000 }), [
    { type: "send_election", to: "server_1" },
  ]);
  assertEquals(e.step({ type: "tick", nowMs: Number.NaN }), []);
});

Deno.test("Election: three machines wired directly agree on the lowest rank", () => {
  const peers = [S1, S2, S3];
  const machines = new Map(
    peers.map((p) => [p.name, new Election({ name: p.name, rank: p.rank })]),
  );
  // A lossless, instant network: run every action to completion.
  const queue: {
    to: string;
    from: string;
    action: ReturnType<Election["step"]>[number];
  }[] = [];
  const push = (from: string, actions: ReturnType<Election["step"]>) =>
    actions.forEach((action) => queue.push({ to: "", from, action }));
  let now = 0;
  for (const name of ["server_3", "server_2", "server_1"]) {
    push(name, machines.get(name)!.step({ type: "start", nowMs: now, peers }));
  }
  for (; now <= 3_000; now += 10) {
    while (queue.length > 0) {
      const { from, action } = queue.shift()!;
      switch (action.type) {
        case "announce":
          for (const [name, m] of machines) {
            if (name !== from) {
              push(
                name,
                m.step(announcement(now, action.coordinator, action.rank)),
              );
            }
          }
          break;
        case "send_election": {
          const target = machines.get(action.to)!;
          push(
            from,
            machines.get(from)!.step({
              type: "election_ok",
              nowMs: now,
              from: action.to,
            }),
          );
          push(
            action.to,
            target.step({
              type: "election_request",
              nowMs: now,
              fromRank: machines.get(from)!.rank,
            }),
          );
          break;
        }
        case "query_status":
          push(
            from,
            machines.get(from)!.step({
              type: "status_reply",
              nowMs: now,
              coordinator: machines.get(action.to)!.coordinator,
            }),
          );
          break;
        case "coordinator_changed":
          break;
      }
    }
    for (const [name, m] of machines) {
      push(name, m.step({ type: "tick", nowMs: now }));
    }
  }
  assertEquals([...machines.values()].map((m) => m.coordinator), [
    "server_1",
    "server_1",
    "server_1",
  ]);
});

Deno.test("Election: a coordinator known only by its announced rank keeps precedence", () => {
  // server_1 is not in the (stale) list; its announcement carries its rank.
  const e = new Election({ name: "server_3", rank: 3 });
  e.step({ type: "start", nowMs: 0, peers: [S2, S3] });
  e.step({ type: "announcement", nowMs: 10, coordinator: "server_1", rank: 1 });
  assertEquals(
    e.step(announcement(20, "server_2", 2)),
    [],
  );
  assertEquals(e.coordinator, "server_1");
});

Deno.test("Election: a replayed signed announcement of a dead coordinator neither keeps it nor blocks its successor", () => {
  const s3 = new Election({ name: "server_3", rank: 3 });
  s3.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  s3.step(announcement(10, "server_1", 1, 40));
  // server_1 dies at t=1000 and the reference drops it at t=4000; its last
  // announcement (clock 40) is replayed every 400 ms, still fresh.
  let server2Clock = 100;
  for (let now = 1000; now <= 10_000; now += 25) {
    if (now % 400 === 0) {
      s3.step(announcement(now, "server_1", 1, 40));
    }
    if (now >= 4000 && now % 1000 === 0) {
      s3.step({ type: "peers", nowMs: now, peers: [S2, S3] });
    }
    if (now >= 4000 && now % 500 === 0) {
      s3.step(announcement(now, "server_2", 2, server2Clock++));
    }
    s3.step({ type: "tick", nowMs: now });
    // The lease (1.5 s) runs out on the original announcement alone.
    if (now === 2600) assertEquals(s3.coordinator === "server_1", false);
  }
  assertEquals(s3.coordinator, "server_2");
});

Deno.test("Election: a claimant's announcement must carry a newer clock than its last", () => {
  const e = follower();
  e.step(announcement(20, "server_1", 1, 7));
  // Equal or older clocks, and the same claim unsigned, do not renew the
  // lease: it lapses as if they never came.
  for (const clock of [7, 3, undefined]) {
    e.step(announcement(1_000, "server_1", 1, clock));
  }
  assertEquals(e.step({ type: "tick", nowMs: 20 + T.coordinatorLeaseMs + 1 }), [
    { type: "coordinator_changed", coordinator: null, previous: "server_1" },
    { type: "send_election", to: "server_1" },
  ]);
  // A newer clock is news again.
  assertEquals(
    e.step(announcement(1_600, "server_1", 1, 8)),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
});

Deno.test("Election: the order is per claimant, and unsigned claims still count for servers never heard signed", () => {
  const e = new Election({ name: "server_3", rank: 3 });
  e.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  e.step(announcement(10, "server_2", 2, 50));
  // server_1's clock is its own: lower than server_2's, still news.
  assertEquals(
    e.step(announcement(20, "server_1", 1, 5)),
    [{
      type: "coordinator_changed",
      coordinator: "server_1",
      previous: "server_2",
    }],
  );
  // An unsigned claim (a course server) is judged as before.
  const other = new Election({ name: "server_3", rank: 3 });
  other.step({ type: "start", nowMs: 0, peers: [S1, S2, S3] });
  assertEquals(
    other.step({ type: "announcement", nowMs: 10, coordinator: "server_1" }),
    [{ type: "coordinator_changed", coordinator: "server_1", previous: null }],
  );
});

Deno.test("Election: a claimant's clock is forgotten once anything it sent before is stale", () => {
  // A server whose data directory (and Lamport clock) was lost restarts
  // with lower clocks: ignored until the memory lapses, then heard.
  const e = follower();
  e.step(announcement(20, "server_1", 1, 900));
  const restarted = (nowMs: number) =>
    e.step(announcement(nowMs, "server_1", 1, 3));
  e.step({ type: "tick", nowMs: 5_000 });
  assertEquals(e.coordinator === "server_1", false);
  assertEquals(restarted(20 + T.claimMemoryMs), []);
  assertEquals(restarted(21 + T.claimMemoryMs), [
    { type: "coordinator_changed", coordinator: "server_1", previous: null },
  ]);
  assertEquals(e.coordinator, "server_1");
});

Deno.test("a top server returning during a proxy outage becomes the only coordinator", () => {
  // Three elections wired together: announcements only while the proxy is
  // up; `status` and `election` requests always (they are direct).
  const nodes = new Map<string, Election>();
  const queue: { to: string; input: Parameters<Election["step"]>[0] }[] = [];
  let proxyUp = true;
  let now = 0;
  const route = (from: string, actions: ElectionAction[]) => {
    for (const action of actions) {
      if (action.type === "announce") {
        if (!proxyUp) continue;
        for (const name of nodes.keys()) {
          if (name === from) continue;
          queue.push({
            to: name,
            input: announcement(now, action.coordinator, action.rank),
          });
        }
      } else if (action.type === "query_status") {
        const target = nodes.get(action.to);
        if (target === undefined) continue;
        queue.push({
          to: from,
          input: {
            type: "status_reply",
            nowMs: now,
            coordinator: target.coordinator,
            from: action.to,
          },
        });
      } else if (action.type === "send_election") {
        if (!nodes.has(action.to)) continue;
        queue.push({
          to: action.to,
          input: {
            type: "election_request",
            nowMs: now,
            fromRank: nodes.get(from)!.rank,
          },
        });
        queue.push({
          to: from,
          input: { type: "election_ok", nowMs: now, from: action.to },
        });
      }
    }
  };
  const drain = () => {
    while (queue.length > 0) {
      const { to, input } = queue.shift()!;
      const node = nodes.get(to);
      if (node) route(to, node.step({ ...input, nowMs: now }));
    }
  };
  const run = (untilMs: number, peers: Peer[]) => {
    for (; now < untilMs; now += 25) {
      for (const [name, node] of nodes) {
        route(name, node.step({ type: "tick", nowMs: now }));
      }
      if (now % 1000 === 0) {
        for (const [name, node] of nodes) {
          route(name, node.step({ type: "peers", nowMs: now, peers }));
        }
      }
      drain();
    }
  };
  // server_1 is down: server_2 coordinates, server_3 follows.
  for (const peer of [S2, S3]) {
    const node = new Election({ name: peer.name, rank: peer.rank });
    nodes.set(peer.name, node);
    route(peer.name, node.step({ type: "start", nowMs: now, peers: [S2, S3] }));
    drain();
  }
  run(3000, [S2, S3]);
  assertEquals(nodes.get("server_2")!.isCoordinator, true);
  assertEquals(nodes.get("server_3")!.coordinator, "server_2");
  // The proxy goes down, then server_1 comes back.
  proxyUp = false;
  const s1 = new Election({ name: "server_1", rank: 1 });
  nodes.set("server_1", s1);
  route(
    "server_1",
    s1.step({ type: "start", nowMs: now, peers: [S1, S2, S3] }),
  );
  drain();
  run(now + 10_000, [S1, S2, S3]);
  const coordinators = [...nodes.values()].filter((n) => n.isCoordinator)
    .map((n) => n.name);
  assertEquals(coordinators, ["server_1"]);
  assertEquals(nodes.get("server_2")!.coordinator, "server_1");
  assertEquals(nodes.get("server_3")!.coordinator, "server_1");
});
