import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { BERKELEY_ADJUST_SECONDS_MAX } from "./berkeley.ts";
import { PhysicalClock, simulatedDrift } from "./physical_clock.ts";

function near(actual: number, expected: number, tolerance = 1e-9): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("PhysicalClock: reads system time plus offset plus accumulated drift", () => {
  let systemSeconds = 1_000;
  const clock = new PhysicalClock({
    systemSeconds: () => systemSeconds,
    offsetSeconds: 0.5,
    driftPpm: 100,
  });
  near(clock.now(), 1_000.5);
  systemSeconds += 10;
  near(clock.now(), 1_010.501);
  near(clock.offset, 0.501);
});

Deno.test("PhysicalClock: adjust adds to the reading and the offset", () => {
  let systemSeconds = 50;
  const clock = new PhysicalClock({ systemSeconds: () => systemSeconds });
  equal(clock.adjust(-0.25), true);
  near(clock.now(), 49.75);
  near(clock.offset, -0.25);
  systemSeconds = 60;
  near(clock.now(), 59.75);
});

Deno.test("PhysicalClock: a non-finite adjustment is refused", () => {
  const clock = new PhysicalClock({ systemSeconds: () => 5 });
  equal(clock.adjust(Number.NaN), false);
  equal(clock.adjust(Number.POSITIVE_INFINITY), false);
  equal(clock.adjust("1" as unknown as number), false);
  equal(clock.now(), 5);
});

Deno.test("PhysicalClock: an adjustment beyond the bound is refused", () => {
  const clock = new PhysicalClock({ systemSeconds: () => 5 });
  equal(clock.adjustSecondsMax, BERKELEY_ADJUST_SECONDS_MAX);
  equal(clock.adjust(BERKELEY_ADJUST_SECONDS_MAX + 1e-6), false);
  equal(clock.adjust(-1e9), false);
  equal(clock.now(), 5);
  equal(clock.adjust(-BERKELEY_ADJUST_SECONDS_MAX), true);
  near(clock.now(), 5 - BERKELEY_ADJUST_SECONDS_MAX);
  const tight = new PhysicalClock({
    systemSeconds: () => 5,
    adjustSecondsMax: 0.25,
  });
  equal(tight.adjust(0.3), false);
  equal(tight.adjust(0.25), true);
  // A nonsensical bound falls back to the default.
  const odd = new PhysicalClock({
    systemSeconds: () => 5,
    adjustSecondsMax: -1,
  });
  equal(odd.adjustSecondsMax, BERKELEY_ADJUST_SECONDS_MAX);
});

Deno.test("PhysicalClock: defaults are no offset and no drift", () => {
  const clock = new PhysicalClock({ systemSeconds: () => 7 });
  equal(clock.offset, 0);
  equal(clock.driftPpm, 0);
});

Deno.test("simulatedDrift: maps injected randomness onto the configured ranges", () => {
  deepStrictEqual(simulatedDrift(() => 0.5), { offsetSeconds: 0, driftPpm: 0 });
  const low = simulatedDrift(() => 0);
  deepStrictEqual(low, { offsetSeconds: -1, driftPpm: -100 });
  const values = [0.75, 1];
  const custom = simulatedDrift(() => values.shift() as number, {
    offsetSecondsMax: 2,
    driftPpmMax: 10,
  });
  deepStrictEqual(custom, { offsetSeconds: 1, driftPpm: 10 });
});
