import assert from "node:assert/strict";
import { median, pairedRatios, quantile, summarize } from "./stats.ts";

Deno.test("quantile picks the nearest-rank sample", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(hundred, 0.5), 50);
  assert.equal(quantile(hundred, 0.99), 99);
  assert.equal(quantile(hundred, 1), 100);
  assert.equal(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Deno.test("summarize sorts a copy and reports count, mean and percentiles", () => {
  const samples = [4, 1, 3, 2];
  const summary = summarize(samples);
  assert.deepEqual(samples, [4, 1, 3, 2]);
  assert.deepEqual(summary, {
    count: 4,
    meanMs: 2.5,
    p50Ms: 2,
    p99Ms: 4,
    maxMs: 4,
  });
});

Deno.test("summarize of no samples is NaN, not a crash", () => {
  const summary = summarize([]);
  assert.equal(summary.count, 0);
  assert.ok(Number.isNaN(summary.p99Ms) && Number.isNaN(summary.maxMs));
});

Deno.test("median of odd and even counts, without changing the input", () => {
  const runs = [3, 1, 2];
  assert.equal(median(runs), 2);
  assert.deepEqual(runs, [3, 1, 2]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("pairedRatios divides run by run and skips rounds either side missed", () => {
  assert.deepEqual(pairedRatios([2, 9, undefined, 6], [1, 3, 4, 3]), [2, 3, 2]);
  assert.deepEqual(pairedRatios([5, 5], [undefined, 0]), []);
  // Extra runs on one side have no partner.
  assert.deepEqual(pairedRatios([4], [2, 2, 2]), [2]);
});
