import assert from "node:assert/strict";
import { DurableLamport } from "./durable_lamport.ts";

Deno.test("a reservation is saved before any stamp passes it", () => {
  const saved: number[] = [];
  const clock = new DurableLamport(0, (c) => saved.push(c), undefined, 10);
  assert.equal(clock.tick(), 1);
  assert.deepEqual(saved, [11]);
  for (let i = 0; i < 9; i++) clock.tick();
  assert.equal(clock.value, 10);
  assert.deepEqual(saved, [11], "no write while under the reservation");
  clock.tick();
  clock.tick();
  assert.deepEqual(saved, [11, 22]);
  clock.receive(1000);
  assert.equal(clock.value, 1001);
  assert.equal(clock.tick(), 1002);
  assert.deepEqual(saved, [11, 22, 1012]);
  assert.equal(clock.reserved, 1012);
});

Deno.test("restarting from the reservation never goes backwards", () => {
  let saved = 0;
  const before = new DurableLamport(0, (c) => saved = c, undefined, 100);
  let highest = 0;
  for (let i = 0; i < 250; i++) highest = before.tick();
  const after = new DurableLamport(saved, (c) => saved = c, undefined, 100);
  assert.ok(after.tick() > highest);
});

Deno.test("a failed save does not fail the tick and is retried", () => {
  let fail = true;
  const errors: unknown[] = [];
  const saved: number[] = [];
  const clock = new DurableLamport(
    5,
    (c) => {
      if (fail) throw new Error("disk full");
      saved.push(c);
    },
    (e) => errors.push(e),
    10,
  );
  assert.equal(clock.tick(), 6);
  assert.equal(errors.length, 1);
  assert.equal(clock.reserved, 5);
  fail = false;
  assert.equal(clock.tick(), 7);
  assert.deepEqual(saved, [17]);
});
