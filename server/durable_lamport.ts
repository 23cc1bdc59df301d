/**
 * The server's Lamport clock, made durable cheaply: instead of writing the
 * clock with every message, the server writes a *reservation* ahead of it
 * and stamps freely below that. When a tick would pass the reservation, a
 * new one (`value + reserveTicks`) is written first. After a crash the clock
 * restarts at the last reservation, which is above every stamp that ever
 * left the process, so the clock never goes backwards across restarts.
 *
 * @example
 * ```ts
 * import { DurableLamport } from "./durable_lamport.ts";
 * const saved: number[] = [];
 * const clock = new DurableLamport(0, (c) => saved.push(c), undefined, 100);
 * clock.tick(); // 1, after saving the reservation 101
 * saved; // [101]
 * ```
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";

/** Ticks a reservation covers by default. */
export const RESERVE_TICKS_DEFAULT = 10_000;

/** A Lamport clock whose stamps are always covered by a saved reservation. */
export class DurableLamport {
  readonly #clock: LamportClock;
  readonly #save: (clock: number) => void;
  readonly #onSaveError: (error: unknown) => void;
  readonly #reserveTicks: number;
  #reserved: number;

  /**
   * Starts the clock at the saved reservation.
   *
   * @param start the saved reservation (0 for a new store)
   * @param save writes a reservation durably
   * @param onSaveError told when `save` threw (the tick still happens, and
   *   the next tick tries to save again: a tick never throws, so a record
   *   that got its sequence number always gets its clock too)
   * @param reserveTicks how far ahead each reservation goes
   */
  constructor(
    start: number,
    save: (clock: number) => void,
    onSaveError: (error: unknown) => void = () => {},
    reserveTicks = RESERVE_TICKS_DEFAULT,
  ) {
    this.#clock = new LamportClock(start);
    this.#save = save;
    this.#onSaveError = onSaveError;
    this.#reserveTicks = Math.max(1, Math.floor(reserveTicks));
    this.#reserved = start;
  }

  /** The current value. */
  get value(): number {
    return this.#clock.value;
  }

  /** The saved reservation: no stamp above it has been issued. */
  get reserved(): number {
    return this.#reserved;
  }

  /**
   * The clock a restart must start from to stay above everything this
   * process has seen: the reservation, or the value when a received clock
   * (a peer's record, merged with no tick since) or a failed save took it
   * past the reservation. Stored with every batch (see `Committer`): a
   * batch of peers' records whose clocks passed the reservation would
   * otherwise be on disk with clocks above the restarted clock, and the
   * next post would be ordered before a message already served.
   */
  get restartFloor(): number {
    return Math.max(this.#reserved, this.#clock.value);
  }

  /** Merges a received clock (see `LamportClock.receive`). */
  receive(remote: unknown): number {
    return this.#clock.receive(remote);
  }
  /** Merges a clock nobody vouches for (see `LamportClock.receiveUntrusted`). */
  receiveUntrusted(remote: unknown): number {
    return this.#clock.receiveUntrusted(remote);
  }

  /** Advances for a send or a record; saves a new reservation first if needed. */
  tick(): number {
    const next = this.#clock.value + 1;
    if (next > this.#reserved) {
      const reservation = Math.min(
        Number.MAX_SAFE_INTEGER,
        next + this.#reserveTicks,
      );
      try {
        this.#save(reservation);
        this.#reserved = reservation;
      } catch (error) {
        this.#onSaveError(error);
      }
    }
    return this.#clock.tick();
  }
}
