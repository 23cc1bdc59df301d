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
 * - offsets farther than `outlierSecondsMax` from the coordinator's clock
 *   (offset 0) are outliers: they do not move the average, but they are
 *   adjusted (they are the clocks that need it most). The coordinator is
 *   the round's reference and is never an outlier itself: were outliers
 *   measured from the median, names answering the same wild `time` (any
 *   name can register at the reference) could outnumber the real servers,
 *   become the median, and exclude and move the coordinator and every
 *   honest server by their value. Measured from the coordinator, the
 *   target stays within `outlierSecondsMax` of its clock whatever others
 *   answer;
 * - the target is the mean offset of the remaining clocks, and each
 *   server's adjustment (seconds to add) is `target - offset`, the
 *   coordinator's included;
 * - no adjustment exceeds `adjustSecondsMax` in magnitude (default
 *   {@linkcode BERKELEY_ADJUST_SECONDS_MAX}): a larger one is cut to it
 *   (listed in `clamped`), so a clock far off converges over a few rounds
 *   and a wild reading cannot make the coordinator send a huge one.
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
  /** Offsets farther than this from the coordinator's are outliers (default 2 s). */
  outlierSecondsMax?: number;
  /** Replies with a longer round trip are ignored (default 0.1 s). */
  rttSecondsMax?: number;
  /** Adjustments are cut to ±this, seconds (default 10 s). */
  adjustSecondsMax?: number;
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
  /** Servers whose adjustment was cut to `adjustSecondsMax`. */
  clamped: string[];
}

/** Default outlier threshold, seconds. */
export const BERKELEY_OUTLIER_SECONDS_MAX = 2;
/**
 * Default round-trip limit, seconds. On one machine a trip takes well under
 * a millisecond; 100 ms bounds the error of one estimate at 50 ms (half the
 * asymmetry of the trip), and a slower reply is skipped until next round.
 */
export const BERKELEY_RTT_SECONDS_MAX = 0.1;
/**
 * Largest adjustment a round sends or a follower applies, seconds: five
 * times the outlier threshold. Every counted clock is within 2 s of the
 * coordinator, and so is the target, so a counted clock never needs more
 * than 4 s; the margin lets an outlier (a clock started far off) converge
 * in steps of 10 s per round, while a wild reading (a rogue `time`, a
 * replayed or corrupted request) cannot throw a clock by more than that.
 */
export const BERKELEY_ADJUST_SECONDS_MAX = 5 * BERKELEY_OUTLIER_SECONDS_MAX;

/** Computes one Berkeley round: target offset and each server's adjustment. */
export function computeBerkeley(input: BerkeleyInput): BerkeleyResult {
  const outlierSecondsMax = input.outlierSecondsMax ??
    BERKELEY_OUTLIER_SECONDS_MAX;
  const rttSecondsMax = input.rttSecondsMax ?? BERKELEY_RTT_SECONDS_MAX;
  const adjustSecondsMax = input.adjustSecondsMax ??
    BERKELEY_ADJUST_SECONDS_MAX;
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

  let sumSeconds = 0;
  let counted = 0;
  for (const [name, offsetSeconds] of Object.entries(offsets)) {
    // Measured from the coordinator (offset 0), the reference of the round,
    // which always counts.
    if (
      name !== input.coordinator &&
      !(Math.abs(offsetSeconds) <= outlierSecondsMax)
    ) {
      excluded[name] = "outlier";
    } else {
      sumSeconds += offsetSeconds;
      counted += 1;
    }
  }
  // The coordinator's own 0 counts: `counted` is at least 1.
  const targetOffsetSeconds = sumSeconds / counted;

  const adjustments: Record<string, number> = {};
  const clamped: string[] = [];
  for (const [name, offsetSeconds] of Object.entries(offsets)) {
    const adjustSeconds = targetOffsetSeconds - offsetSeconds;
    if (Math.abs(adjustSeconds) > adjustSecondsMax) {
      adjustments[name] = Math.sign(adjustSeconds) * adjustSecondsMax;
      clamped.push(name);
    } else {
      adjustments[name] = adjustSeconds;
    }
  }
  return { targetOffsetSeconds, offsets, adjustments, excluded, clamped };
}
