import { deepStrictEqual } from "node:assert/strict";
import { ClockFollower } from "./clock_follower.ts";

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

Deno.test("ClockFollower: forgets old rounds beyond its bound", () => {
  const follower = new ClockFollower({ roundsRemembered: 2 });
  const adjust = (round: number) =>
    follower.step({
      type: "adjust",
      from: "c",
      round,
      adjustSeconds: 1,
      coordinator: "c",
    }).length;
  deepStrictEqual([adjust(1), adjust(2), adjust(3), adjust(1)], [1, 1, 1, 1]);
  deepStrictEqual(adjust(3), 0);
});

Deno.test("ClockFollower: refuses adjustments from a server it does not follow", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    from: "server_3",
    round: 1,
    adjustSeconds: 0.5,
  } as const;
  deepStrictEqual(follower.step({ ...base, coordinator: "server_1" }), []);
  deepStrictEqual(follower.step({ ...base, coordinator: null }), []);
});

Deno.test("ClockFollower: refuses non-finite adjustments; applies round-less ones each time", () => {
  const follower = new ClockFollower();
  const base = {
    type: "adjust",
    from: "c",
    adjustSeconds: 0.5,
    coordinator: "c",
  } as const;
  deepStrictEqual(follower.step({ ...base, adjustSeconds: Number.NaN }), []);
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
