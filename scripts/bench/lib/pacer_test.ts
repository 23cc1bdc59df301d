import assert from "node:assert/strict";
import { runPaced } from "./pacer.ts";

/** A fake clock whose sleeps advance time by what was asked (+ overshoot). */
function fakeTime(overshootMs = 0) {
  let now = 100;
  return {
    nowMs: () => now,
    sleep: (ms: number) => {
      now += ms + overshootMs;
      return Promise.resolve();
    },
  };
}

Deno.test("runPaced starts each event at its due time on an exact clock", async () => {
  const time = fakeTime();
  const starts: [number, number, number][] = [];
  const result = await runPaced({
    ratePerSecond: 500,
    count: 4,
    start: (i, dueMs) => {
      starts.push([i, dueMs, time.nowMs()]);
    },
    ...time,
  });
  assert.deepEqual(starts, [[0, 100, 100], [1, 102, 102], [2, 104, 104], [
    3,
    106,
    106,
  ]]);
  assert.deepEqual(result, { spanMs: 6, lateCount: 0, lateMaxMs: 0 });
});

Deno.test("runPaced catches up after a late wake without shifting the schedule", async () => {
  const time = fakeTime(3);
  const dues: number[] = [];
  const result = await runPaced({
    ratePerSecond: 1000,
    count: 6,
    start: (_i, dueMs) => {
      dues.push(dueMs);
    },
    ...time,
  });
  assert.deepEqual(dues, [100, 101, 102, 103, 104, 105]);
  assert.ok(result.lateCount > 0);
  assert.ok(result.lateMaxMs <= 3);
});

Deno.test("runPaced waits for what the events returned", async () => {
  let finished = 0;
  await runPaced({
    ratePerSecond: 10_000,
    count: 3,
    start: async () => {
      await Promise.resolve();
      finished++;
    },
  });
  assert.equal(finished, 3);
});
