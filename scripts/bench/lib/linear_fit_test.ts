import assert from "node:assert/strict";
import { fitLine } from "./linear_fit.ts";

Deno.test("fitLine recovers an exact line", () => {
  assert.deepEqual(fitLine([[1, 3], [2, 5], [3, 7]]), {
    intercept: 1,
    slope: 2,
  });
});

Deno.test("fitLine averages noisy points by least squares", () => {
  const line = fitLine([[0, 1], [1, 1], [2, 3], [3, 3]]);
  assert.ok(line);
  assert.ok(Math.abs(line.slope - 0.8) < 1e-12);
  assert.ok(Math.abs(line.intercept - 0.8) < 1e-12);
});

Deno.test("fitLine needs two distinct x values", () => {
  assert.equal(fitLine([[1, 2]]), undefined);
  assert.equal(fitLine([[1, 2], [1, 3]]), undefined);
});
