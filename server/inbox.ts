/**
 * Draining a socket in batches: take every message that is already
 * available (up to a bound) without waiting, and be told when the next one
 * arrives. The group-commit loop uses one inbox per socket it reads.
 *
 * How "available now" is known: the binding tries libzmq first, so a
 * `receive()` whose message is queued returns an already-resolved promise.
 * Racing it against an already-resolved sentinel settles in favour of the
 * message when there is one (reactions run in the order they were
 * attached); otherwise that receive stays pending and becomes the one that
 * wakes the loop.
 *
 * @example
 * ```ts
 * import { Pair } from "@agora/shared/zmq";
 * import { Inbox } from "./inbox.ts";
 * const [a, b] = [new Pair(), new Pair()];
 * await a.bind("inproc://inbox-example");
 * b.connect("inproc://inbox-example");
 * const inbox = new Inbox(a, () => console.log("ready"));
 * inbox.arm();
 * await b.send("x");
 * ```
 *
 * @module
 */

import { ZmqError } from "@agora/shared/zmq";

/** What an inbox reads from. */
export interface Receivable {
  /** Receives one multipart message. */
  receive(): Promise<Uint8Array[]>;
}

const NOT_READY = Symbol("not ready");
const notReady = Promise.resolve(NOT_READY);

/** Batched, non-waiting reads from one socket (see the module docs). */
export class Inbox {
  readonly #socket: Receivable;
  readonly #onReady: () => void;
  readonly #onError: (error: unknown) => void;
  #head: Uint8Array[] | undefined;
  #armed = false;
  #closed = false;

  /**
   * Creates an inbox; nothing is received until {@linkcode Inbox.arm} or
   * {@linkcode Inbox.take}.
   *
   * @param socket where messages come from
   * @param onReady called when a message arrives while armed, or the socket closes
   * @param onError called with an unexpected receive error (not ECLOSED)
   */
  constructor(
    socket: Receivable,
    onReady: () => void,
    onError: (error: unknown) => void = () => {},
  ) {
    this.#socket = socket;
    this.#onReady = onReady;
    this.#onError = onError;
  }

  /** Whether a message is waiting to be taken. */
  get ready(): boolean {
    return this.#head !== undefined;
  }

  /** Whether the socket closed (nothing more will arrive). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Makes sure a receive is pending, so `onReady` fires on the next message. */
  arm(): void {
    if (this.#closed || this.#armed || this.#head !== undefined) return;
    this.#listen(this.#socket.receive());
  }

  /** Takes up to `max` messages available now, oldest first. */
  async take(max: number): Promise<Uint8Array[][]> {
    const out: Uint8Array[][] = [];
    if (this.#head !== undefined) {
      out.push(this.#head);
      this.#head = undefined;
    }
    while (out.length < max && !this.#armed && !this.#closed) {
      const pending = this.#socket.receive();
      let first: Uint8Array[] | typeof NOT_READY;
      try {
        first = await Promise.race([pending, notReady]);
      } catch (error) {
        this.#failed(error);
        break;
      }
      if (first === NOT_READY) {
        this.#listen(pending);
        break;
      }
      out.push(first);
    }
    return out;
  }

  #listen(pending: Promise<Uint8Array[]>): void {
    this.#armed = true;
    pending.then(
      (frames) => {
        this.#armed = false;
        this.#head = frames;
        this.#onReady();
      },
      (error) => {
        this.#armed = false;
        this.#failed(error);
        this.#onReady();
      },
    );
  }

  #failed(error: unknown): void {
    if (error instanceof ZmqError && error.code === "ECLOSED") {
      this.#closed = true;
      return;
    }
    this.#onError(error);
  }
}
