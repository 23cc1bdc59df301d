/**
 * Recent cluster events as this server saw them (elections, Berkeley
 * rounds, catch-ups), in a bounded ring with sequence numbers 1, 2, 3…, so
 * a dashboard polling `status` can tell which events it has not shown yet
 * and whether it missed some (the oldest kept `seq` is above its cursor).
 *
 * The shapes follow the UI's `ClusterEvent`, plus `seq`.
 *
 * @example
 * ```ts
 * import { EventRing } from "./events.ts";
 * const ring = new EventRing(2);
 * ring.push({ type: "election", coordinator: "server_1", timestamp: 1, clock: 3 });
 * ring.recent(); // [{ seq: 1, type: "election", ... }]
 * ```
 *
 * @module
 */

/** An event, without its sequence number. */
export type ServerEvent =
  | {
    /** This server saw a coordinator announce itself, or became one. */
    type: "election";
    /** The coordinator. */
    coordinator: string;
    /** Physical clock reading, seconds. */
    timestamp: number;
    /** Lamport clock when it was seen. */
    clock: number;
  }
  | {
    /** A Berkeley round ended (logged by the coordinator that ran it). */
    type: "berkeley";
    /** Coordinator that ran it. */
    coordinator: string;
    /** Round number. */
    round: number;
    /** Server → adjustment sent, milliseconds. */
    adjustmentsMs: Record<string, number>;
    /** Server → why it did not count ("outlier", "rtt", …). */
    excluded: Record<string, string>;
    /** Servers that did not answer. */
    missing: string[];
    /** Physical clock reading, seconds. */
    timestamp: number;
  }
  | {
    /** This server fetched records it was missing from a peer. */
    type: "catch_up";
    /** This server. */
    server: string;
    /** The peer it fetched from. */
    from: string | null;
    /** Records stored. */
    records: number;
    /** Physical clock reading, seconds. */
    timestamp: number;
  }
  | {
    /** This server lost its coordinator (and starts or awaits an election). */
    type: "coordinator_lost";
    /** The coordinator it no longer believes in. */
    previous: string;
    /** Physical clock reading, seconds. */
    timestamp: number;
  };

/** An event with its sequence number. */
export type NumberedEvent = ServerEvent & { seq: number };

/** Events kept by default. */
export const EVENTS_MAX = 64;

/** A bounded ring of {@link NumberedEvent}s. */
export class EventRing {
  readonly #capacity: number;
  readonly #items: NumberedEvent[] = [];
  #lastSeq = 0;

  /** Keeps at most `capacity` events (at least 1). */
  constructor(capacity = EVENTS_MAX) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** The sequence number of the newest event (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Adds an event; returns its sequence number. */
  push(event: ServerEvent): number {
    const seq = ++this.#lastSeq;
    this.#items.push({ ...event, seq });
    if (this.#items.length > this.#capacity) this.#items.shift();
    return seq;
  }

  /** The events kept, oldest first. */
  recent(): NumberedEvent[] {
    return this.#items.map((event) => ({ ...event }));
  }
}
