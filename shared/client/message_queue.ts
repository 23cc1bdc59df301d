/**
 * A bounded queue read as an async iterator: the feed pushes, a
 * `for await` loop pulls. Pure (no timers, no I/O).
 *
 * @module
 */

/** A live stream of items; `close()` ends it and releases its subscription. */
export interface MessageStream<T> extends AsyncIterableIterator<T> {
  /** Ends the stream: pending and later `next()` calls report done. Idempotent. */
  close(): void;
  /** Items dropped because the reader fell `limit` items behind. */
  readonly overflowed: number;
}

/**
 * The queue behind a {@linkcode MessageStream}. When the reader falls
 * `limit` items behind, the oldest item is dropped (and counted): a live
 * chat view wants the newest messages, and memory must stay bounded.
 *
 * @example
 * ```ts
 * import { MessageQueue } from "@agora/shared/client";
 * const queue = new MessageQueue<number>(2);
 * queue.push(1); queue.push(2); queue.push(3); // 1 dropped
 * await queue.next(); // { value: 2, done: false }
 * queue.close();
 * ```
 */
export class MessageQueue<T> implements MessageStream<T> {
  readonly #items: T[] = [];
  readonly #readers: Array<(result: IteratorResult<T>) => void> = [];
  readonly #limit: number;
  readonly #onClose: (() => void) | undefined;
  #overflowed = 0;
  #ended = false;

  /**
   * @param limit most items kept for the reader (at least 1)
   * @param onClose called once when the stream ends by `close`/`return`
   */
  constructor(limit: number, onClose?: () => void) {
    this.#limit = Math.max(1, Math.floor(limit));
    this.#onClose = onClose;
  }

  /** Items dropped because the reader fell behind. */
  get overflowed(): number {
    return this.#overflowed;
  }

  /** Whether the stream has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Hands an item to a waiting reader or queues it; ignored once ended. */
  push(item: T): void {
    if (this.#ended) return;
    const reader = this.#readers.shift();
    if (reader !== undefined) {
      reader({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.#limit) {
      this.#items.shift();
      this.#overflowed++;
    }
    this.#items.push(item);
  }

  /** Ends the stream without calling `onClose` (the source went away). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#items.length = 0;
    for (const reader of this.#readers.splice(0)) {
      reader({ value: undefined, done: true });
    }
  }

  /** The next item, waiting for one if needed; done once ended. */
  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /** Ends the stream (a `for await` loop that breaks calls this). */
  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream and releases its subscription. Idempotent. */
  close(): void {
    if (this.#ended) return;
    this.end();
    this.#onClose?.();
  }

  /** The iterator itself. */
  [Symbol.asyncIterator](): MessageQueue<T> {
    return this;
  }
}
