import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ServerPool } from "./server_pool.ts";

const A = "tcp://a:1";
const B = "tcp://b:1";
const C = "tcp://c:1";

Deno.test("ServerPool picks the first server at random, then sticks to it", () => {
  const pool = new ServerPool([A, B, C], { random: () => 0.5 });
  assertEquals(pool.candidates(0), [B, C, A]);
  assertEquals(pool.current, B);
  pool.reportSuccess(B);
  assertEquals(pool.candidates(1), [B, C, A]);
});

Deno.test("ServerPool moves a failed server to the back until its cool-down ends", () => {
  const pool = new ServerPool([A, B, C], { random: () => 0, cooldownMs: 100 });
  assertEquals(pool.candidates(0), [A, B, C]);
  pool.reportFailure(A, 0);
  assertEquals(pool.current, B);
  assertEquals(pool.candidates(10), [B, C, A]);
  pool.reportFailure(B, 20);
  assertEquals(pool.candidates(30), [C, A, B]);
  // A cooled down first, so it comes back before B.
  assertEquals(pool.candidates(100), [C, A, B]);
  assertEquals(pool.isCoolingDown(A, 100), false);
  assertEquals(pool.isCoolingDown(B, 100), true);
});

Deno.test("ServerPool with every server failed still returns them all, oldest failure first", () => {
  const pool = new ServerPool([A, B], { random: () => 0, cooldownMs: 1000 });
  pool.candidates(0);
  pool.reportFailure(B, 5);
  pool.reportFailure(A, 10);
  assertEquals(pool.candidates(20), [B, A]);
});

Deno.test("ServerPool merges discovered endpoints after configured ones and drops duplicates", () => {
  const pool = new ServerPool([A, " ", A], { random: () => 0 });
  pool.setDiscovered([B, A, C]);
  assertEquals(pool.endpoints, [A, B, C]);
});

Deno.test("ServerPool forgets a current server that left the list", () => {
  const pool = new ServerPool([], { random: () => 0 });
  pool.setDiscovered([A, B]);
  pool.reportSuccess(B);
  pool.setDiscovered([A, C]);
  assertEquals(pool.current, undefined);
  assertEquals(pool.candidates(0), [A, C]);
});

Deno.test("ServerPool with no endpoint has no candidate", () => {
  assertEquals(new ServerPool([]).candidates(0), []);
});
