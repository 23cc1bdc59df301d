import assert from "node:assert/strict";
import { runClosedLoop } from "./closed_loop.ts";

Deno.test("runClosedLoop stops after count and keeps one request per worker", async () => {
  let inFlight = 0;
  let most = 0;
  const seen: number[] = [];
  const result = await runClosedLoop({
    clients: 3,
    count: 20,
    request: async (_client, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      seen.push(index);
      await Promise.resolve();
      inFlight--;
      return index % 5 !== 0;
    },
  });
  assert.equal(most, 3);
  assert.deepEqual(seen.sort((a, b) => a - b), [...Array(20).keys()]);
  assert.equal(result.completed, 16);
  assert.equal(result.failed, 4);
  assert.equal(result.latenciesMs.length, 16);
});

Deno.test("runClosedLoop stops starting requests at the deadline", async () => {
  let now = 0;
  const result = await runClosedLoop({
    clients: 2,
    durationMs: 10,
    nowMs: () => now,
    request: () => {
      now += 1;
      return Promise.resolve(true);
    },
  });
  // Each request moves the clock 1 ms and the check happens before a
  // start: 10 requests start before the clock reaches 10.
  assert.equal(result.completed, 10);
});

Deno.test("runClosedLoop counts a throw as a failure and keeps its message", async () => {
  const result = await runClosedLoop({
    clients: 1,
    count: 2,
    request: () => Promise.reject(new Error("boom")),
  });
  assert.equal(result.failed, 2);
  assert.equal(result.firstError, "boom");
});

Deno.test("runClosedLoop refuses to run without a bound", async () => {
  await assert.rejects(
    runClosedLoop({ clients: 1, request: () => Promise.resolve(true) }),
    /durationMs or count/,
  );
});
