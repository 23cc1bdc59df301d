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
 * The most a clock from an unvouched sender may advance the receiver's
 * clock in one message, in ticks (2^32); see
 * {@link LamportClock.receiveUntrusted}. A process's clock follows what it
 * has seen, so an honest sender is ahead of the receiver only by what the
 * receiver has not seen yet: a server that was down for a week while the
 * others handled 1,000 writes/s is about 2^29.2 behind them.
 */
export const CLOCK_LEAD_MAX = 2 ** 32;

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

  /**
   * {@link receive} for a clock from a sender nobody vouches for (a client,
   * an unsigned reply or publication): the clock advances by at most
   * {@link CLOCK_LEAD_MAX} + 1. Unchecked, one message with a clock near
   * 2^53 would push the receiver, and through it every process, to the
   * largest exact integer, where clocks stop increasing and a client's
   * next clock is no longer a valid integer; capped, a sender needs about
   * two million messages to exhaust the clock space. An honest sender is
   * never that far ahead, and when it is (a process far behind the rest),
   * a few messages close the gap.
   */
  receiveUntrusted(remote: unknown): number {
    const other = isClockValue(remote) ? remote : 0;
    const cap = this.#value + CLOCK_LEAD_MAX;
    return this.receive(other > cap ? cap : other);
  }
}
