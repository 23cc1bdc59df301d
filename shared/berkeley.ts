/**
 * Berkeley averaging: one round's arithmetic, pure.
 *
 * The coordinator asked every server for its physical clock reading (`clock`
 * service), noting its own clock reading when it sent each request and when
 * each reply came back. For each reply it estimates the server's clock at
 * the moment the reply arrived as `time + roundTrip / 2` (half the round
 * trip compensates the reply's travel time), so the server's offset from the
 * coordinator is `time + roundTrip / 2 - receivedAt`. The coordinator's own
 * offset is 0.
 *
 * Then:
 * - replies whose round trip is negative, not finite, or above
 *   `rttSecondsMax` are unreliable (the estimate can be wrong by half the
 *   round trip): they take no part and get no adjustment this round;
 * - offsets farther than `outlierSecondsMax` from the median offset are
 *   outliers: they do not move the average, but they are adjusted (they are
 *   the clocks that need it most);
 * - the target is the mean offset of the remaining clocks, and each
 *   server's adjustment (seconds to add) is `target - offset`, the
 *   coordinator's included.
 *
 * After every adjustment is applied, all adjusted clocks agree up to the
 * error of the round-trip compensation (half the asymmetry of each trip).
 *
 * @example
 * ```ts
 * import { computeBerkeley } from "@agora/shared/berkeley";
 * const result = computeBerkeley({
 *   coordinator: "server_1",
 *   samples: [{ name: "server_2", timeSeconds: 100.3, sentAtSeconds: 99.9, receivedAtSeconds: 100.1 }],
 * });
 * result.adjustments; // { server_1: 0.15, server_2: -0.15 }
 * ```
 *
 * @module
 */

/** One server's answer to the coordinator's `clock` request. */
export interface ClockSample {
  /** The server that answered. */
  name: string;
  /** Its clock reading (`time` in the reply), seconds. */
  timeSeconds: number;
  /** Coordinator's clock reading when it sent the request, seconds. */
  sentAtSeconds: number;
  /** Coordinator's clock reading when the reply arrived, seconds. */
  receivedAtSeconds: number;
}

/** Input of {@link computeBerkeley}. */
export interface BerkeleyInput {
  /** The coordinator's name (its offset is 0 by definition). */
  coordinator: string;
  /** The replies received in this round (at most one per server). */
  samples: readonly ClockSample[];
  /** Offsets farther than this from the median are outliers (default 2 s). */
  outlierSecondsMax?: number;
  /** Replies with a longer round trip are ignored (default 0.1 s). */
  rttSecondsMax?: number;
}

/** Why a server's reply did not count towards the average. */
export type BerkeleyExclusion = "outlier" | "rtt" | "invalid" | "duplicate";

/** Output of {@link computeBerkeley}. */
export interface BerkeleyResult {
  /** Target offset from the coordinator's clock, seconds. */
  targetOffsetSeconds: number;
  /** Measured offset of each counted server from the coordinator, seconds. */
  offsets: Record<string, number>;
  /** Seconds each server must add to its clock (coordinator included). */
  adjustments: Record<string, number>;
  /** Servers left out of the average, and why. */
  excluded: Record<string, BerkeleyExclusion>;
}

/** Default outlier threshold, seconds. */
export const BERKELEY_OUTLIER_SECONDS_MAX = 2;
/**
 * Default round-trip limit, seconds. On one machine a trip takes well under
 * a millisecond; 100 ms bounds the error of one estimate at 50 ms (half the
 * asymmetry of the trip), and a slower reply is skipped until next round.
 */
export const BERKELEY_RTT_SECONDS_MAX = 0.1;

/** Computes one Berkeley round: target offset and each server's adjustment. */
export function computeBerkeley(input: BerkeleyInput): BerkeleyResult {
  const outlierSecondsMax = input.outlierSecondsMax ??
    BERKELEY_OUTLIER_SECONDS_MAX;
  const rttSecondsMax = input.rttSecondsMax ?? BERKELEY_RTT_SECONDS_MAX;
  const offsets: Record<string, number> = { [input.coordinator]: 0 };
  const excluded: Record<string, BerkeleyExclusion> = {};

  for (const sample of input.samples) {
    if (sample.name === input.coordinator || sample.name in offsets) {
      excluded[sample.name] = "duplicate";
      continue;
    }
    const rttSeconds = sample.receivedAtSeconds - sample.sentAtSeconds;
    const offsetSeconds = sample.timeSeconds + rttSeconds / 2 -
      sample.receivedAtSeconds;
    if (!Number.isFinite(offsetSeconds) || !Number.isFinite(rttSeconds)) {
      excluded[sample.name] = "invalid";
    } else if (rttSeconds < 0 || rttSeconds > rttSecondsMax) {
      excluded[sample.name] = "rtt";
    } else {
      offsets[sample.name] = offsetSeconds;
    }
  }

  const medianSeconds = medianElement(Object.values(offsets));
  let sumSeconds = 0;
  let counted = 0;
  for (const [name, offsetSeconds] of Object.entries(offsets)) {
    if (Math.abs(offsetSeconds - medianSeconds) > outlierSecondsMax) {
      excluded[name] = "outlier";
    } else {
      sumSeconds += offsetSeconds;
      counted += 1;
    }
  }
  // The median is one of the offsets, never an outlier: at least one counts.
  const targetOffsetSeconds = sumSeconds / counted;

  const adjustments: Record<string, number> = {};
  for (const [name, offsetSeconds] of Object.entries(offsets)) {
    adjustments[name] = targetOffsetSeconds - offsetSeconds;
  }
  return { targetOffsetSeconds, offsets, adjustments, excluded };
}

/**
 * The median as an element of the list (never an average of two), so that
 * at least one offset is within any threshold of it. With an even count the
 * middle element nearer to the coordinator's 0 is taken: with two clocks
 * and no majority, the coordinator's is the reference.
 */
function medianElement(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle];
  const [low, high] = [sorted[middle - 1], sorted[middle]];
  return Math.abs(low) <= Math.abs(high) ? low : high;
}
