/**
 * The Lamport logical clock every agora process keeps.
 *
 * Pure: no I/O. A server persists {@link LamportClock.value} itself and
 * passes it back as the start value after a restart, so the clock never goes
 * backwards.
 *
 * @module
 */

/**
 * Whether `value` is a valid Lamport clock reading: a safe integer ≥ 0.
 *
 * @example
 * ```ts
 * import { isClockValue } from "@agora/shared/lamport";
 * isClockValue(3); // true
 * isClockValue(2.5); // false
 * ```
 */
export function isClockValue(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) &&
    value >= 0;
}

/**
 * A Lamport clock: {@link tick} before every send, {@link receive} on every
 * receipt.
 *
 * The value saturates at `Number.MAX_SAFE_INTEGER`: a peer that sends a
 * clock near that bound cannot push this one into inexact numbers.
 *
 * @example
 * ```ts
 * import { LamportClock } from "@agora/shared/lamport";
 * const clock = new LamportClock(41); // persisted value
 * clock.receive(100); // 101
 * const stamp = clock.tick(); // 102, put in the outgoing message
 * ```
 */
export class LamportClock {
  #value: number;

  /**
   * Starts the clock.
   *
   * @param start the persisted value (0 for a fresh process)
   * @throws {RangeError} if `start` is not a safe integer ≥ 0
   */
  constructor(start = 0) {
    if (!isClockValue(start)) {
      throw new RangeError(
        `Cannot start a Lamport clock at ${
          String(start)
        }: it must be a non-negative safe integer.`,
      );
    }
    this.#value = start;
  }

  /** The current value (the last one stamped or merged). */
  get value(): number {
    return this.#value;
  }

  /** Advances for a send; returns the value to stamp the message with. */
  tick(): number {
    if (this.#value < Number.MAX_SAFE_INTEGER) this.#value++;
    return this.#value;
  }

  /**
   * Merges a received clock: `max(local, remote) + 1`; returns the new
   * value. A missing or invalid `remote` (not a safe integer ≥ 0) counts as
   * 0, so the receipt still advances the clock and bad input cannot corrupt
   * it.
   */
  receive(remote: unknown): number {
    const other = isClockValue(remote) ? remote : 0;
    const base = other > this.#value ? other : this.#value;
    this.#value = base < Number.MAX_SAFE_INTEGER ? base + 1 : base;
    return this.#value;
  }
}
