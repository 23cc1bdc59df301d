import assert from "node:assert/strict";
import { CLOCK_LEAD_MAX, isClockValue, LamportClock } from "./lamport.ts";

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

Deno.test("receiveUntrusted() merges like receive() up to CLOCK_LEAD_MAX ahead, then caps", () => {
  const clock = new LamportClock(1000);
  assert.equal(clock.receiveUntrusted(500), 1001);
  assert.equal(
    clock.receiveUntrusted(1000 + CLOCK_LEAD_MAX),
    1001 + CLOCK_LEAD_MAX,
  );
  const before = clock.value;
  // One message near 2^53 advances the clock by the cap, not to the top.
  assert.equal(
    clock.receiveUntrusted(Number.MAX_SAFE_INTEGER - 10),
    before + CLOCK_LEAD_MAX + 1,
  );
  assert.equal(clock.receiveUntrusted("junk"), before + CLOCK_LEAD_MAX + 2);
  // Near the top the cap cannot overshoot the largest exact integer.
  const high = new LamportClock(Number.MAX_SAFE_INTEGER - 5);
  assert.equal(
    high.receiveUntrusted(Number.MAX_SAFE_INTEGER),
    Number.MAX_SAFE_INTEGER,
  );
  assert.ok(Number.isSafeInteger(high.value));
});

Deno.test("receiveUntrusted(): a process far behind catches up in a few messages", () => {
  const fresh = new LamportClock(0);
  const cluster = 5_000_000_000; // > 2^32: a long-running cluster
  let messages = 0;
  while (fresh.value <= cluster) {
    fresh.receiveUntrusted(cluster);
    messages++;
  }
  assert.equal(messages, 2);
  assert.equal(fresh.value, cluster + 1);
});
