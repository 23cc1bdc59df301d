import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { BerkeleyRound, type BerkeleyRoundAction } from "./berkeley_round.ts";

function types(actions: readonly BerkeleyRoundAction[]): string[] {
  return actions.map((a) =>
    a.type === "request_clock" || a.type === "send_adjust"
      ? `${a.type}:${a.to}`
      : a.type
  );
}

function driver(): BerkeleyRound {
  const round = new BerkeleyRound({
    self: "c",
    replyTimeoutMs: 100,
    roundIntervalMs: 10_000,
    minRoundGapMs: 1_000,
  });
  round.step({ type: "peers", peers: ["c", "a", "b"] });
  return round;
}

Deno.test("BerkeleyRound: the first tick starts a round with every peer", () => {
  const round = driver();
  deepStrictEqual(round.step({ type: "tick", nowMs: 0, readingSeconds: 100 }), [
    { type: "request_clock", to: "a", round: 1 },
    { type: "request_clock", to: "b", round: 1 },
  ]);
  equal(round.activeRound, 1);
});

Deno.test("BerkeleyRound: all replies in completes the round with adjustments", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  deepStrictEqual(
    round.step({
      type: "reply",
      nowMs: 1,
      readingSeconds: 100.002,
      from: "a",
      round: 1,
      timeSeconds: 100.301,
    }),
    [],
  );
  const actions = round.step({
    type: "reply",
    nowMs: 2,
    readingSeconds: 100.002,
    from: "b",
    round: 1,
    timeSeconds: 99.701,
  });
  deepStrictEqual(types(actions), [
    "adjust_self",
    "send_adjust:a",
    "send_adjust:b",
    "round_done",
  ]);
  const adjust = Object.fromEntries(
    actions.flatMap((a) =>
      a.type === "send_adjust"
        ? [[a.to, a.adjustSeconds]]
        : a.type === "adjust_self"
        ? [["c", a.adjustSeconds]]
        : []
    ),
  );
  ok(Math.abs(adjust.c) < 1e-9);
  ok(Math.abs(adjust.a + 0.3) < 1e-9);
  ok(Math.abs(adjust.b - 0.3) < 1e-9);
  equal(round.activeRound, null);
});

Deno.test("BerkeleyRound: the reply timeout completes the round with whoever answered", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  round.step({
    type: "reply",
    nowMs: 1,
    readingSeconds: 100.002,
    from: "a",
    round: 1,
    timeSeconds: 100.101,
  });
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 99, readingSeconds: 100.099 }),
    [],
  );
  const actions = round.step({
    type: "tick",
    nowMs: 100,
    readingSeconds: 100.1,
  });
  deepStrictEqual(types(actions), [
    "adjust_self",
    "send_adjust:a",
    "round_done",
  ]);
  const done = actions.at(-1);
  ok(done?.type === "round_done");
  deepStrictEqual(done.missing, ["b"]);
});

Deno.test("BerkeleyRound: stale, unexpected and repeated replies are ignored", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  const reply = {
    type: "reply",
    nowMs: 1,
    readingSeconds: 100.002,
    round: 1,
    timeSeconds: 100,
  } as const;
  deepStrictEqual(round.step({ ...reply, from: "a", round: 0 }), []);
  deepStrictEqual(round.step({ ...reply, from: "z" }), []);
  deepStrictEqual(round.step({ ...reply, from: "a" }), []);
  deepStrictEqual(round.step({ ...reply, from: "a" }), []);
  equal(round.activeRound, 1);
});

Deno.test("BerkeleyRound: requests start a round, but never within the minimum gap", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  round.step({ type: "tick", nowMs: 100, readingSeconds: 100.1 });
  // Too soon after the last start: remembered, served by a later tick.
  deepStrictEqual(
    round.step({ type: "request", nowMs: 500, readingSeconds: 100.5 }),
    [],
  );
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 999, readingSeconds: 101 }),
    [],
  );
  deepStrictEqual(
    types(round.step({ type: "tick", nowMs: 1_000, readingSeconds: 101 })),
    [
      "request_clock:a",
      "request_clock:b",
    ],
  );
  equal(round.activeRound, 2);
});

Deno.test("BerkeleyRound: a request during a round is served by that round", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  deepStrictEqual(
    round.step({ type: "request", nowMs: 5, readingSeconds: 100 }),
    [],
  );
  round.step({ type: "tick", nowMs: 100, readingSeconds: 100.1 });
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 5_000, readingSeconds: 105 }),
    [],
  );
});

Deno.test("BerkeleyRound: rounds repeat on the interval without requests", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  round.step({ type: "tick", nowMs: 100, readingSeconds: 100.1 });
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 9_999, readingSeconds: 110 }),
    [],
  );
  equal(
    round.step({ type: "tick", nowMs: 10_000, readingSeconds: 110 }).length,
    2,
  );
});

Deno.test("BerkeleyRound: cancel drops the round; alone there is no round", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  round.step({ type: "cancel" });
  equal(round.activeRound, null);
  deepStrictEqual(
    round.step({
      type: "reply",
      nowMs: 1,
      readingSeconds: 100,
      from: "a",
      round: 1,
      timeSeconds: 100,
    }),
    [],
  );
  const alone = new BerkeleyRound({ self: "c" });
  alone.step({ type: "peers", peers: ["c"] });
  deepStrictEqual(
    alone.step({ type: "tick", nowMs: 0, readingSeconds: 1 }),
    [],
  );
  equal(alone.activeRound, null);
});

Deno.test("BerkeleyRound: round numbers start at firstRound", () => {
  const round = new BerkeleyRound({ self: "c", firstRound: 1_764_190_000_000 });
  round.step({ type: "peers", peers: ["a"] });
  deepStrictEqual(round.step({ type: "tick", nowMs: 0, readingSeconds: 1 }), [
    { type: "request_clock", to: "a", round: 1_764_190_000_000 },
  ]);
});

Deno.test("BerkeleyRound: a server joining the list is synchronised soon", () => {
  const round = driver();
  round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
  round.step({ type: "tick", nowMs: 100, readingSeconds: 100.1 });
  round.step({ type: "peers", peers: ["a", "b"] });
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 2_000, readingSeconds: 102 }),
    [],
  );
  round.step({ type: "peers", peers: ["a", "b", "d"] });
  equal(
    round.step({ type: "tick", nowMs: 2_010, readingSeconds: 102 }).length,
    3,
  );
});

Deno.test("BerkeleyRound: alone, the schedule waits for the first peer", () => {
  const round = new BerkeleyRound({ self: "c" });
  deepStrictEqual(
    round.step({ type: "tick", nowMs: 0, readingSeconds: 1 }),
    [],
  );
  round.step({ type: "peers", peers: ["a"] });
  equal(round.step({ type: "tick", nowMs: 10, readingSeconds: 1 }).length, 1);
});
