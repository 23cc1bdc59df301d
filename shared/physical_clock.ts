/**
 * A server's physical clock: the time it reports to the Berkeley
 * coordinator and stamps on records.
 *
 * Reading = injected system time + own offset + drift rate × time elapsed
 * since the clock was created. The system time source is injected (the
 * server passes `() => Date.now() / 1000`, simulations pass simulated time),
 * so this module never reads the machine's clock. The offset and drift let
 * several servers on one machine behave like machines with imperfect
 * clocks, which is what Berkeley synchronisation corrects.
 *
 * @example
 * ```ts
 * import { PhysicalClock } from "@agora/shared/physical_clock";
 * let systemSeconds = 1000;
 * const clock = new PhysicalClock({
 *   systemSeconds: () => systemSeconds,
 *   offsetSeconds: 0.5,
 *   driftPpm: 100,
 * });
 * systemSeconds += 10;
 * clock.now(); // 1010.501 (0.5 s offset + 100 ppm × 10 s)
 * clock.adjust(-0.501);
 * clock.offset; // ≈ 0
 * ```
 *
 * @module
 */

import { BERKELEY_ADJUST_SECONDS_MAX } from "./berkeley.ts";

/** How to build a {@link PhysicalClock}. */
export interface PhysicalClockOptions {
  /** The time source, seconds since the epoch (injected). */
  systemSeconds: () => number;
  /** Initial deviation from the system time, seconds (default 0). */
  offsetSeconds?: number;
  /** Rate error in parts per million: 100 gains 0.1 ms per second. */
  driftPpm?: number;
  /**
   * Largest adjustment {@link PhysicalClock.adjust} accepts, seconds
   * (default {@linkcode BERKELEY_ADJUST_SECONDS_MAX}, the most a Berkeley
   * round ever sends).
   */
  adjustSecondsMax?: number;
}

/** A drifting, adjustable clock over an injected time source. */
export class PhysicalClock {
  /** Rate error in parts per million. */
  readonly driftPpm: number;
  /** Largest adjustment accepted, seconds. */
  readonly adjustSecondsMax: number;
  readonly #systemSeconds: () => number;
  readonly #epochSeconds: number;
  #baseOffsetSeconds: number;

  /** Creates a clock; drift accumulates from this moment. */
  constructor(options: PhysicalClockOptions) {
    this.#systemSeconds = options.systemSeconds;
    this.#epochSeconds = options.systemSeconds();
    this.#baseOffsetSeconds = finiteOr(options.offsetSeconds, 0);
    this.driftPpm = finiteOr(options.driftPpm, 0);
    const max = options.adjustSecondsMax;
    this.adjustSecondsMax = typeof max === "number" && max >= 0
      ? max
      : BERKELEY_ADJUST_SECONDS_MAX;
  }

  /** The current reading, seconds since the epoch. */
  now(): number {
    return this.#systemSeconds() + this.offset;
  }

  /**
   * Current deviation from the system time, seconds: the initial offset, all
   * adjustments, and the drift accumulated so far.
   */
  get offset(): number {
    const elapsedSeconds = this.#systemSeconds() - this.#epochSeconds;
    return this.#baseOffsetSeconds + this.driftPpm * 1e-6 * elapsedSeconds;
  }

  /**
   * Adds `deltaSeconds` to the clock (a Berkeley `clock_adjust`). A value
   * that is not a finite number, or larger in magnitude than
   * `adjustSecondsMax`, is refused (returns false) so that a bad request
   * cannot break the clock or throw it far off.
   */
  adjust(deltaSeconds: number): boolean {
    if (
      typeof deltaSeconds !== "number" || !Number.isFinite(deltaSeconds) ||
      Math.abs(deltaSeconds) > this.adjustSecondsMax
    ) {
      return false;
    }
    this.#baseOffsetSeconds += deltaSeconds;
    return true;
  }
}

/** Limits for {@link simulatedDrift}. */
export interface SimulatedDriftOptions {
  /** The initial offset is uniform in ±this, seconds (default 1). */
  offsetSecondsMax?: number;
  /** The drift rate is uniform in ±this, ppm (default 100). */
  driftPpmMax?: number;
}

/**
 * Draws a simulated clock error from injected randomness (`random` returns
 * a float in [0, 1), e.g. `Math.random` in a demo or a seeded stream in a
 * test): an initial offset within ±1 s and a drift rate within ±100 ppm by
 * default. Spread the result into {@link PhysicalClockOptions}.
 */
export function simulatedDrift(
  random: () => number,
  options: SimulatedDriftOptions = {},
): { offsetSeconds: number; driftPpm: number } {
  const offsetSecondsMax = options.offsetSecondsMax ?? 1;
  const driftPpmMax = options.driftPpmMax ?? 100;
  return {
    offsetSeconds: (random() * 2 - 1) * offsetSecondsMax,
    driftPpm: (random() * 2 - 1) * driftPpmMax,
  };
}

function finiteOr(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
