import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type ClockSample, computeBerkeley } from "./berkeley.ts";

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
  near(result.adjustments.x, -3_600, 1e-6);
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
