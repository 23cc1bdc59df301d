import {
  deepStrictEqual,
  notDeepStrictEqual,
  ok,
  throws,
} from "node:assert/strict";
import { Prng } from "./prng.ts";

function draw(prng: Prng, count: number): number[] {
  return Array.from({ length: count }, () => prng.next());
}

Deno.test("Prng: the same seed gives the same stream", () => {
  deepStrictEqual(draw(new Prng(42), 20), draw(new Prng(42), 20));
  notDeepStrictEqual(draw(new Prng(42), 20), draw(new Prng(43), 20));
});

Deno.test("Prng: floats are in [0, 1) and roughly uniform", () => {
  const values = draw(new Prng(1), 10_000);
  ok(values.every((v) => v >= 0 && v < 1));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
});

Deno.test("Prng: int, float, chance and pick stay in range", () => {
  const prng = new Prng(7);
  for (let i = 0; i < 1_000; i++) {
    const n = prng.int(3, 5);
    ok(n >= 3 && n <= 5 && Number.isInteger(n));
    const f = prng.float(-2, 2);
    ok(f >= -2 && f < 2);
  }
  ok(!prng.chance(0) && prng.chance(1));
  ok(["a", "b"].includes(prng.pick(["a", "b"])));
  throws(() => prng.pick([]), RangeError);
});

Deno.test("Prng: fork gives an independent, reproducible stream", () => {
  const a = new Prng(9);
  const b = new Prng(9);
  deepStrictEqual(draw(a.fork(), 5), draw(b.fork(), 5));
  notDeepStrictEqual(draw(a.fork(), 5), draw(a, 5));
});
