/**
 * A subscription through the proxy for the acceptance suite: a SUB socket
 * on the proxy's XPUB endpoint that keeps only publications whose topic
 * frame is exactly one of the wanted topics (ZeroMQ matches prefixes, so a
 * subscriber to `Lu` also gets `Lucas`), and lets a check wait for one.
 *
 * @module
 */

import type { LamportClock } from "@agora/shared/lamport";
import { decodeTopic, decodeValue, type WireMap } from "@agora/shared/protocol";
import { Subscriber } from "@agora/shared/zmq";

/** A received publication. */
export interface Received {
  /** Its topic frame (exactly one of the wanted topics). */
  topic: string;
  /** Its decoded payload. */
  payload: WireMap;
  /** When it arrived, ms since the epoch. */
  receivedAtMs: number;
}

/** Publications on exact topics, with a way to wait for one. */
export class Feed {
  /** Everything received so far on the wanted topics. */
  readonly received: Received[] = [];
  /** Publications dropped because their topic was only a prefix match. */
  prefixOnly = 0;
  readonly #socket: Subscriber;
  readonly #topics: Set<string>;
  readonly #clock: LamportClock | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #loop: Promise<void>;
  #closed = false;

  /** Connects and subscribes to `topics`. */
  constructor(
    endpoint: string,
    topics: readonly string[],
    clock?: LamportClock,
  ) {
    this.#topics = new Set(topics);
    this.#clock = clock;
    this.#socket = new Subscriber({ linger: 0 });
    this.#socket.connect(endpoint);
    for (const topic of topics) this.#socket.subscribe(topic);
    this.#loop = this.#receive();
  }

  /** Subscribes to more topics. */
  add(...topics: string[]): void {
    for (const topic of topics) {
      if (this.#topics.has(topic)) continue;
      this.#topics.add(topic);
      this.#socket.subscribe(topic);
    }
  }

  /**
   * Resolves with the first publication (already received or coming)
   * matching `predicate`; rejects after `timeoutMs` with `what` in the
   * message.
   */
  async next(
    predicate: (r: Received) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.received.find(predicate);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.#closed) {
        throw new Error(
          `${what}: nothing arrived within ${timeoutMs} ms (${this.received.length} other publications on [${
            [...this.#topics].join(", ")
          }]).`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.#waiters;
        waiters.add(done);
      });
    }
  }

  /** Closes the socket and ends the receive loop. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    for (const wake of [...this.#waiters]) wake();
    await this.#loop;
  }

  async #receive(): Promise<void> {
    try {
      for await (const frames of this.#socket) {
        if (frames.length !== 2) continue;
        const topic = decodeTopic(frames[0]);
        if (!topic.ok) continue;
        if (!this.#topics.has(topic.value)) {
          this.prefixOnly++;
          continue;
        }
        const payload = decodeValue(frames[1]);
        if (!payload.ok || typeof payload.value !== "object") continue;
        const map = payload.value as WireMap;
        this.#clock?.receive(
          (map.data as WireMap | undefined)?.clock ?? map.clock,
        );
        this.received.push({
          topic: topic.value,
          payload: map,
          receivedAtMs: Date.now(),
        });
        for (const wake of [...this.#waiters]) wake();
      }
    } catch {
      // Closing the socket ends the iteration; anything else ends it too.
    }
  }
}
