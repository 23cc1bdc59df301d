import { deepStrictEqual, equal, match } from "node:assert/strict";
import { BERKELEY_ADJUST_SECONDS_MAX } from "./berkeley.ts";
import { ClockFollower, type ClockFollowerAction } from "./clock_follower.ts";

/** The reason of a single `refuse_adjust`, or fails. */
function refusal(actions: ClockFollowerAction[]): string {
  equal(actions.length, 1);
  const [action] = actions;
  if (action.type !== "refuse_adjust") throw new Error(action.type);
  return action.reason;
}

Deno.test("ClockFollower: asks for a sync on every 10th handled message", () => {
  const follower = new ClockFollower();
  const fired: number[] = [];
  for (let i = 1; i <= 30; i++) {
    if (follower.step({ type: "message_handled" }).length > 0) fired.push(i);
  }
  deepStrictEqual(fired, [10, 20, 30]);
});

Deno.test("ClockFollower: the interval is configurable", () => {
  const follower = new ClockFollower({ syncEveryMessages: 2 });
  deepStrictEqual(follower.step({ type: "message_handled" }), []);
  deepStrictEqual(follower.step({ type: "message_handled" }), [
    { type: "request_sync" },
  ]);
});

Deno.test("ClockFollower: applies each (coordinator, round) once", () => {
  const follower = new ClockFollower();
  const adjust = {
    type: "adjust",
    from: "server_1",
    round: 7,
    adjustSeconds: 0.01,
    coordinator: "server_1",
  } as const;
  deepStrictEqual(follower.step(adjust), [
    { type: "apply_adjust", adjustSeconds: 0.01 },
  ]);
  deepStrictEqual(follower.step(adjust), []);
  deepStrictEqual(follower.step({ ...adjust, round: 8 }), [
    { type: "apply_adjust", adjustSeconds: 0.01 },
  ]);
});

Deno.test("ClockFollower: a replayed old round is refused however many rounds came since", () => {
  const follower = new ClockFollower();
  const adjust = (round: number, adjustSeconds: number) =>
    follower.step({
      type: "adjust",
      from: "server_1",
      round,
      adjustSeconds,
      coordinator: "server_1",
    });
  deepStrictEqual(adjust(1000, 5), [{
    type: "apply_adjust",
    adjustSeconds: 5,
  }]);
  for (let round = 1001; round <= 1100; round++) {
    equal(adjust(round, 0)[0].type, "apply_adjust");
  }
  // The same signed request, replayed within its freshness window.
  match(refusal(adjust(1000, 5)), /older than its last applied round 1100/);
  match(refusal(adjust(1099, 0)), /older/);
  // A retry of the last round is not applied again, and is no error.
  deepStrictEqual(adjust(1100, 0), []);
});

Deno.test("ClockFollower: rounds are ordered per coordinator; a new one starts fresh", () => {
  const follower = new ClockFollower();
  const adjust = (from: string, round: number) =>
    follower.step({
      type: "adjust",
      from,
      round,
      adjustSeconds: 0.1,
      coordinator: from,
    })[0]?.type;
  equal(adjust("server_1", 5_000), "apply_adjust");
  // server_2 took over: its rounds are its own, lower ones included.
  equal(adjust("server_2", 7), "apply_adjust");
  equal(adjust("server_2", 8), "apply_adjust");
  // server_1 restarted: it numbers rounds from its start time, above all
  // it sent before; an old one of its rounds is still refused.
  equal(adjust("server_1", 4_999), "refuse_adjust");
  equal(adjust("server_1", 9_000), "apply_adjust");
});

Deno.test("ClockFollower: refuses an adjustment beyond the bound, which is configurable", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    from: "c",
    coordinator: "c",
  } as const;
  match(
    refusal(
      follower.step({
        ...base,
        round: 1,
        adjustSeconds: BERKELEY_ADJUST_SECONDS_MAX + 0.001,
      }),
    ),
    /exceeds the bound of 10 s/,
  );
  match(refusal(follower.step({ ...base, adjustSeconds: -1e9 })), /bound/);
  // The refused round was not taken: the coordinator may still use it.
  deepStrictEqual(
    follower.step({
      ...base,
      round: 1,
      adjustSeconds: -BERKELEY_ADJUST_SECONDS_MAX,
    }),
    [{ type: "apply_adjust", adjustSeconds: -BERKELEY_ADJUST_SECONDS_MAX }],
  );
  const tight = new ClockFollower({ adjustSecondsMax: 0.5 });
  equal(
    tight.step({ ...base, adjustSeconds: 0.6 })[0].type,
    "refuse_adjust",
  );
  equal(tight.step({ ...base, adjustSeconds: 0.5 })[0].type, "apply_adjust");
});

Deno.test("ClockFollower: refuses adjustments from a server it does not follow", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    from: "server_3",
    round: 1,
    adjustSeconds: 0.5,
  } as const;
  match(
    refusal(follower.step({ ...base, coordinator: "server_1" })),
    /"server_3" is not the coordinator this server follows \(server_1\)/,
  );
  match(
    refusal(follower.step({ ...base, coordinator: null })),
    /\(none\)/,
  );
});

Deno.test("ClockFollower: refuses non-finite adjustments; applies round-less ones each time", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    from: "c",
    adjustSeconds: 0.5,
    coordinator: "c",
  } as const;
  match(
    refusal(follower.step({ ...base, adjustSeconds: Number.NaN })),
    /not a finite number/,
  );
  deepStrictEqual(follower.step(base).length, 1);
  deepStrictEqual(follower.step(base).length, 1);
});

Deno.test("ClockFollower: without a sender name it trusts the request", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    adjustSeconds: 0.5,
    coordinator: "c",
  } as const;
  deepStrictEqual(follower.step({ ...base, round: 3 }).length, 1);
  deepStrictEqual(follower.step({ ...base, round: 3 }).length, 0);
  deepStrictEqual(follower.step({ ...base, coordinator: null }).length, 1);
});
