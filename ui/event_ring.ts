/**
 * A bounded, numbered event buffer with any number of independent readers.
 *
 * Each browser stream reads from its own cursor (the last sequence number it
 * sent, which is also the SSE event id), so a reconnecting browser resumes
 * where it left off and a slow one cannot make the buffer grow: the oldest
 * events are dropped and the reader is told it missed some.
 *
 * @module
 */

/** One buffered event with its sequence number (1, 2, 3…). */
export interface RingItem<T> {
  /** Sequence number, increasing by one per pushed event. */
  seq: number;
  /** The event. */
  value: T;
}

/** What a reader gets after its cursor. */
export interface RingRead<T> {
  /** Buffered events newer than the cursor, oldest first. */
  items: RingItem<T>[];
  /** Whether events newer than the cursor were already dropped. */
  missed: boolean;
}

/**
 * Bounded event buffer; see the module doc.
 *
 * @example
 * ```ts
 * import { EventRing } from "./event_ring.ts";
 * const ring = new EventRing<string>(2);
 * ring.push("a");
 * ring.push("b");
 * ring.push("c"); // "a" is dropped
 * ring.readAfter(0); // { items: [{seq: 2, value: "b"}, {seq: 3, value: "c"}], missed: true }
 * ```
 */
export class EventRing<T> {
  /** Most events kept. */
  readonly capacityEvents: number;
  #items: RingItem<T>[] = [];
  #lastSeq = 0;
  #closed = false;
  #waiters = new Set<() => void>();

  /** Creates an empty ring keeping at most `capacityEvents` events. */
  constructor(capacityEvents: number) {
    if (!Number.isInteger(capacityEvents) || capacityEvents < 1) {
      throw new RangeError(
        `Ring capacity must be a positive integer, got ${capacityEvents}`,
      );
    }
    this.capacityEvents = capacityEvents;
  }

  /** Sequence number of the newest event pushed (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Whether {@linkcode EventRing.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Appends `value`, dropping the oldest event when full, and wakes every
   * waiting reader. Ignored once closed. Returns the event's sequence number.
   */
  push(value: T): number {
    if (this.#closed) return this.#lastSeq;
    this.#lastSeq += 1;
    this.#items.push({ seq: this.#lastSeq, value });
    if (this.#items.length > this.capacityEvents) this.#items.shift();
    this.#wake();
    return this.#lastSeq;
  }

  /**
   * Events newer than `afterSeq`. A cursor ahead of the ring (a stale id
   * from an earlier ring) counts as missed and yields everything buffered.
   */
  readAfter(afterSeq: number): RingRead<T> {
    if (afterSeq > this.#lastSeq) {
      return { items: [...this.#items], missed: true };
    }
    const first = this.#items[0];
    if (first === undefined || afterSeq >= this.#lastSeq) {
      return { items: [], missed: false };
    }
    const missed = first.seq > afterSeq + 1;
    const start = missed ? 0 : afterSeq + 1 - first.seq;
    return { items: this.#items.slice(start), missed };
  }

  /**
   * Resolves when an event newer than `afterSeq` exists, the ring is closed,
   * or `signal` aborts — whichever comes first. Never rejects.
   */
  waitAfter(afterSeq: number, signal?: AbortSignal): Promise<void> {
    if (this.#lastSeq !== afterSeq || this.#closed || signal?.aborted) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Stops accepting events and wakes every waiting reader. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
