/**
 * Summaries of latency samples: percentiles by the nearest-rank method
 * (the value below which `q` of the samples fall, never interpolated, so
 * every reported figure is a latency that was actually observed).
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * const s = summarize([5, 1, 3, 2, 4]);
 * s.p50Ms; // 3
 * s.maxMs; // 5
 * ```
 *
 * @module
 */

/** Count, mean and percentiles of a set of samples in ms. */
export interface LatencySummary {
  /** Number of samples. */
  count: number;
  /** Arithmetic mean, ms (NaN with no samples). */
  meanMs: number;
  /** Median, ms. */
  p50Ms: number;
  /** 99th percentile, ms. */
  p99Ms: number;
  /** Largest sample, ms. */
  maxMs: number;
}

/**
 * The nearest-rank `q`-quantile (0 < q ≤ 1) of samples sorted ascending:
 * the smallest sample with at least `q` of the samples at or below it.
 * NaN when there are no samples.
 */
export function quantile(
  sortedAscending: readonly number[],
  q: number,
): number {
  if (sortedAscending.length === 0) return NaN;
  const rank = Math.ceil(q * sortedAscending.length);
  return sortedAscending[
    Math.min(sortedAscending.length, Math.max(1, rank)) - 1
  ];
}

/** The median of `values` (any order; mean of the middle two for an even count), NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Ratios of paired measurements: `values[i] / baseline[i]` for every index
 * where both were measured (an `undefined` on either side skips the pair).
 * On a shared machine, pairing each run with the baseline run of the same
 * round cancels the noise the two had in common.
 */
export function pairedRatios(
  values: readonly (number | undefined)[],
  baseline: readonly (number | undefined)[],
): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(values.length, baseline.length); i++) {
    const value = values[i];
    const base = baseline[i];
    if (value !== undefined && base !== undefined && base > 0) {
      ratios.push(value / base);
    }
  }
  return ratios;
}

/** Summarizes `samplesMs` (any order; the array is not modified). */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? NaN : total / sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}
