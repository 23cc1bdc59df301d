import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  BERKELEY_ADJUST_SECONDS_MAX,
  BERKELEY_OUTLIER_SECONDS_MAX,
  type ClockSample,
  computeBerkeley,
} from "./berkeley.ts";

function near(actual: number, expected: number, tolerance = 1e-9): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** A reply from a clock `offset` s ahead, with one-way delays in s. */
function sample(
  name: string,
  offsetSeconds: number,
  requestDelaySeconds = 0.001,
  replyDelaySeconds = requestDelaySeconds,
  sentAtSeconds = 100,
): ClockSample {
  const repliedAt = sentAtSeconds + requestDelaySeconds;
  return {
    name,
    timeSeconds: repliedAt + offsetSeconds,
    sentAtSeconds,
    receivedAtSeconds: repliedAt + replyDelaySeconds,
  };
}

Deno.test("computeBerkeley: averages offsets, coordinator included, and adjusts everyone", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0.3), sample("b", -0.6)],
  });
  near(result.offsets.a, 0.3);
  near(result.offsets.b, -0.6);
  near(result.targetOffsetSeconds, -0.1);
  near(result.adjustments.c, -0.1);
  near(result.adjustments.a, -0.4);
  near(result.adjustments.b, 0.5);
  deepStrictEqual(result.excluded, {});
});

Deno.test("computeBerkeley: half the round trip compensates symmetric delays exactly", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0.2, 0.04, 0.04)],
  });
  near(result.offsets.a, 0.2);
});

Deno.test("computeBerkeley: asymmetric delays err by half the asymmetry", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0, 0.003, 0.001)],
  });
  near(result.offsets.a, 0.001);
});

Deno.test("computeBerkeley: outliers are adjusted but do not move the average", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0.1), sample("b", -0.1), sample("x", 3_600)],
  });
  equal(result.excluded.x, "outlier");
  near(result.targetOffsetSeconds, 0);
  // Cut to the bound: the clock converges over a few rounds.
  near(result.adjustments.x, -BERKELEY_ADJUST_SECONDS_MAX);
  deepStrictEqual(result.clamped, ["x"]);
});

Deno.test("computeBerkeley: a majority answering a wild time moves neither the coordinator nor the honest servers", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [
      sample("honest", 0.01),
      sample("rogue_a", 1e9),
      sample("rogue_b", 1e9),
      sample("rogue_c", 1e9),
    ],
  });
  deepStrictEqual(result.excluded, {
    rogue_a: "outlier",
    rogue_b: "outlier",
    rogue_c: "outlier",
  });
  near(result.targetOffsetSeconds, 0.005);
  near(result.adjustments.c, 0.005);
  near(result.adjustments.honest, -0.005);
  near(result.adjustments.rogue_a, -BERKELEY_ADJUST_SECONDS_MAX);
  deepStrictEqual(result.clamped, ["rogue_a", "rogue_b", "rogue_c"]);
});

Deno.test("computeBerkeley: outliers are measured from the coordinator, which always counts", () => {
  // Two servers agreeing 5 s away from the coordinator: the coordinator is
  // the reference, they are the outliers.
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 5), sample("b", 5.2)],
  });
  deepStrictEqual(result.excluded, { a: "outlier", b: "outlier" });
  near(result.adjustments.c, 0);
  near(result.adjustments.a, -5);
  near(result.adjustments.b, -5.2);
  deepStrictEqual(result.clamped, []);
  // Even a nonsensical threshold cannot leave the round without a clock.
  const odd = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 1)],
    outlierSecondsMax: -1,
  });
  deepStrictEqual(odd.adjustments, { c: 0, a: -1 });
});

Deno.test("computeBerkeley: no adjustment exceeds the bound, which is configurable", () => {
  const samples = [sample("a", 1.5), sample("b", -1.5), sample("far", -40)];
  const result = computeBerkeley({ coordinator: "c", samples });
  for (const adjustSeconds of Object.values(result.adjustments)) {
    ok(Math.abs(adjustSeconds) <= BERKELEY_ADJUST_SECONDS_MAX);
  }
  near(result.adjustments.far, BERKELEY_ADJUST_SECONDS_MAX);
  const tight = computeBerkeley({
    coordinator: "c",
    samples,
    adjustSecondsMax: 1,
  });
  near(tight.adjustments.a, -1);
  near(tight.adjustments.b, 1);
  near(tight.adjustments.c, 0);
  deepStrictEqual(tight.clamped, ["a", "b", "far"]);
});

Deno.test("BERKELEY_ADJUST_SECONDS_MAX leaves every counted clock's adjustment whole", () => {
  // Counted clocks and the target are within the outlier threshold of the
  // coordinator, so a counted clock needs at most twice the threshold.
  ok(BERKELEY_ADJUST_SECONDS_MAX >= 2 * BERKELEY_OUTLIER_SECONDS_MAX);
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 1.99), sample("b", 1.99), sample("d", -1.99)],
  });
  deepStrictEqual(result.clamped, []);
  deepStrictEqual(result.excluded, {});
});

Deno.test("computeBerkeley: slow or impossible round trips are left out entirely", () => {
  const slow = sample("slow", 0.5, 0.2, 0.2);
  const backwards = { ...sample("back", 0.5), receivedAtSeconds: 99 };
  const broken = { ...sample("nan", 0.5), timeSeconds: Number.NaN };
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0.2), slow, backwards, broken],
  });
  deepStrictEqual(result.excluded, {
    slow: "rtt",
    back: "rtt",
    nan: "invalid",
  });
  deepStrictEqual(Object.keys(result.adjustments).sort(), ["a", "c"]);
  near(result.targetOffsetSeconds, 0.1);
});

Deno.test("computeBerkeley: a second reply from the same server is ignored", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", 0.2), sample("a", 9), sample("c", 5)],
  });
  near(result.offsets.a, 0.2);
  deepStrictEqual(result.excluded, { a: "duplicate", c: "duplicate" });
});

Deno.test("computeBerkeley: with two clocks far apart the coordinator's is the reference", () => {
  const result = computeBerkeley({
    coordinator: "c",
    samples: [sample("a", -10)],
  });
  equal(result.excluded.a, "outlier");
  near(result.adjustments.c, 0);
  near(result.adjustments.a, 10);
});

Deno.test("computeBerkeley: alone, the coordinator keeps its clock", () => {
  const result = computeBerkeley({ coordinator: "c", samples: [] });
  deepStrictEqual(result.adjustments, { c: 0 });
});

Deno.test("computeBerkeley: after adjusting, clocks agree within the delay asymmetry", () => {
  // Five clocks up to ±1 s off, one-way delays between 0.2 and 2 ms.
  const offsets = [0.91, -0.77, 0.05, 0.42, -0.3];
  const delays = [[0.0002, 0.002], [0.002, 0.0002], [0.001, 0.001], [
    0.0015,
    0.0005,
  ], [0.0002, 0.0002]];
  const samples = offsets.map((offset, i) =>
    sample(`s${i}`, offset, delays[i][0], delays[i][1])
  );
  const result = computeBerkeley({ coordinator: "c", samples });
  const finals = [0, ...offsets].map((offset, i) =>
    offset + result.adjustments[i === 0 ? "c" : `s${i - 1}`]
  );
  const spreadMs = (Math.max(...finals) - Math.min(...finals)) * 1000;
  ok(spreadMs <= 2, `spread ${spreadMs} ms`);
});
