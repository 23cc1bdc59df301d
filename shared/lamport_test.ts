import assert from "node:assert/strict";
import { isClockValue, LamportClock } from "./lamport.ts";

Deno.test("LamportClock starts at 0 and ticks before each send", () => {
  const clock = new LamportClock();
  assert.equal(clock.value, 0);
  assert.equal(clock.tick(), 1);
  assert.equal(clock.tick(), 2);
  assert.equal(clock.value, 2);
});

Deno.test("LamportClock resumes from a persisted value", () => {
  const clock = new LamportClock(41);
  assert.equal(clock.tick(), 42);
});

Deno.test("receive() sets max(local, remote) + 1", () => {
  const clock = new LamportClock(5);
  assert.equal(clock.receive(10), 11);
  assert.equal(clock.receive(3), 12);
  assert.equal(clock.receive(12), 13);
});

Deno.test("receive() treats a missing or invalid remote clock as 0", () => {
  const clock = new LamportClock(5);
  for (
    const bad of [undefined, null, -1, 1.5, NaN, Infinity, "100", 2 ** 53, {}]
  ) {
    const before = clock.value;
    assert.equal(clock.receive(bad), before + 1, String(bad));
  }
});

Deno.test("LamportClock saturates at Number.MAX_SAFE_INTEGER", () => {
  const clock = new LamportClock();
  assert.equal(
    clock.receive(Number.MAX_SAFE_INTEGER - 1),
    Number.MAX_SAFE_INTEGER,
  );
  assert.equal(clock.tick(), Number.MAX_SAFE_INTEGER);
  assert.equal(clock.receive(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  assert.ok(Number.isSafeInteger(clock.value));
});

Deno.test("LamportClock refuses an invalid start value", () => {
  for (const bad of [-1, 0.5, NaN, 2 ** 53]) {
    assert.throws(() => new LamportClock(bad), RangeError);
  }
});

Deno.test("isClockValue() accepts safe integers >= 0 only", () => {
  assert.equal(isClockValue(0), true);
  assert.equal(isClockValue(Number.MAX_SAFE_INTEGER), true);
  assert.equal(isClockValue(-0), true);
  assert.equal(isClockValue(-1), false);
  assert.equal(isClockValue("1"), false);
  assert.equal(isClockValue(1.1), false);
});
