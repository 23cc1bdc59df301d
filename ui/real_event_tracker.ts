/**
 * Derives the dashboard's {@linkcode ClusterEvent}s from what the UI
 * observes of a real cluster. Pure: the caller feeds it coordinator
 * announcements (topic `servers`) and status polls, with the time.
 *
 * - **Elections** come from the announcements. The coordinator repeats its
 *   announcement every half second, so an event is emitted only when the
 *   announced coordinator changes; the first one the UI learns (from an
 *   announcement or from the servers' agreement in a poll) is the baseline,
 *   not an event.
 * - **Berkeley rounds and catch-ups** come from each server's event ring
 *   (sequence numbers 1, 2, 3…): a cursor per server, so every ring event is
 *   emitted once. A server's first report sets the cursor to its newest
 *   event, unless the server started moments ago (then its whole ring is
 *   news); a ring that went backwards, or an uptime that did, means the
 *   server restarted and its ring is read from the start.
 * - **Servers up and down** come from the polls: down after
 *   `downAfterMisses` polls in a row without an answer (one is enough when
 *   the reference no longer lists it either), up again at its first answer.
 *   A server's state when first seen is the baseline, not an event.
 *
 * @module
 */

import type { ClusterEvent } from "./cluster.ts";
import type { ServerReport } from "./real_server_report.ts";

/** What one poll saw of one server. */
export interface ServerObservation {
  /** Server name. */
  name: string;
  /** Whether it answered `status` in this poll. */
  alive: boolean;
  /** Whether the reference lists it. */
  listed: boolean;
  /** Its report, when it answered with a readable one. */
  report: ServerReport | null;
}

/** Tunables of {@linkcode ClusterEventTracker}. */
export interface EventTrackerOptions {
  /** Polls in a row without an answer before a listed server is down (default 2). */
  downAfterMisses?: number;
  /** A server first seen with at most this uptime has its whole ring replayed (default 30 s). */
  freshUptimeSeconds?: number;
  /** Most servers tracked (default 64); others get no events. */
  serversMax?: number;
}

interface Tracked {
  up: boolean | undefined;
  misses: number;
  cursor: number | undefined;
  uptimeSeconds: number | null;
}

/**
 * See the module doc.
 *
 * @example
 * ```ts
 * import { ClusterEventTracker } from "./real_event_tracker.ts";
 * const tracker = new ClusterEventTracker();
 * tracker.announce("server_1", 100, 5); // [] (baseline)
 * tracker.announce("server_2", 104, 9);
 * // [{ type: "election", coordinator: "server_2", timestamp: 104, clock: 9 }]
 * ```
 */
export class ClusterEventTracker {
  readonly #downAfterMisses: number;
  readonly #freshUptimeSeconds: number;
  readonly #serversMax: number;
  readonly #servers = new Map<string, Tracked>();
  #coordinator: string | null = null;

  /** Creates a tracker that has seen nothing yet. */
  constructor(options: EventTrackerOptions = {}) {
    this.#downAfterMisses = Math.max(1, options.downAfterMisses ?? 2);
    this.#freshUptimeSeconds = options.freshUptimeSeconds ?? 30;
    this.#serversMax = Math.max(1, options.serversMax ?? 64);
  }

  /** The coordinator last announced (or agreed on), `null` before any. */
  get coordinator(): string | null {
    return this.#coordinator;
  }

  /** A coordinator announcement arrived; returns the events it makes. */
  announce(
    coordinator: string,
    timestamp: number,
    clock: number,
  ): ClusterEvent[] {
    if (coordinator === this.#coordinator) return [];
    const baseline = this.#coordinator === null;
    this.#coordinator = coordinator;
    return baseline
      ? []
      : [{ type: "election", coordinator, timestamp, clock }];
  }

  /**
   * A status poll at `nowSeconds` saw `servers`; returns the events it
   * makes, in order. `agreedCoordinator` (what the answering servers agree
   * on) only sets the baseline before any announcement.
   */
  observe(
    nowSeconds: number,
    servers: readonly ServerObservation[],
    agreedCoordinator: string | null = null,
  ): ClusterEvent[] {
    if (this.#coordinator === null && agreedCoordinator !== null) {
      this.#coordinator = agreedCoordinator;
    }
    const events: ClusterEvent[] = [];
    for (const observation of servers) {
      const tracked = this.#tracked(observation.name);
      if (tracked === undefined) continue;
      this.#upDown(nowSeconds, observation, tracked, events);
      if (observation.report !== null) {
        this.#ring(observation.report, tracked, events);
      }
    }
    return events;
  }

  #tracked(name: string): Tracked | undefined {
    let tracked = this.#servers.get(name);
    if (tracked === undefined) {
      if (this.#servers.size >= this.#serversMax) return undefined;
      tracked = {
        up: undefined,
        misses: 0,
        cursor: undefined,
        uptimeSeconds: null,
      };
      this.#servers.set(name, tracked);
    }
    return tracked;
  }

  #upDown(
    nowSeconds: number,
    observation: ServerObservation,
    tracked: Tracked,
    events: ClusterEvent[],
  ): void {
    const server = observation.name;
    if (observation.alive) {
      if (tracked.up === false) {
        events.push({ type: "server_up", server, timestamp: nowSeconds });
      }
      tracked.up = true;
      tracked.misses = 0;
      return;
    }
    tracked.misses += 1;
    const gone = tracked.misses >= this.#downAfterMisses || !observation.listed;
    if (tracked.up === true && gone) {
      events.push({ type: "server_down", server, timestamp: nowSeconds });
      tracked.up = false;
    } else if (tracked.up === undefined && gone) {
      tracked.up = false;
    }
  }

  #ring(report: ServerReport, tracked: Tracked, events: ClusterEvent[]): void {
    const newestSeq = Math.max(
      report.lastEventSeq ?? 0,
      ...report.events.map((event) => event.seq),
    );
    let fromSeq: number;
    if (tracked.cursor === undefined) {
      const fresh = report.uptimeSeconds !== null &&
        report.uptimeSeconds <= this.#freshUptimeSeconds;
      fromSeq = fresh ? 0 : newestSeq;
    } else {
      const restarted = newestSeq < tracked.cursor ||
        (report.uptimeSeconds !== null && tracked.uptimeSeconds !== null &&
          report.uptimeSeconds < tracked.uptimeSeconds);
      fromSeq = restarted ? 0 : tracked.cursor;
    }
    for (const event of report.events) {
      if (event.seq <= fromSeq) continue;
      switch (event.type) {
        case "berkeley":
          events.push({
            type: "berkeley",
            coordinator: event.coordinator,
            adjustmentsMs: { ...event.adjustmentsMs },
            timestamp: event.timestamp,
          });
          break;
        case "catch_up":
          events.push({
            type: "catch_up",
            server: event.server,
            from: event.from,
            records: event.records,
            timestamp: event.timestamp,
          });
          break;
        case "other":
          break;
        default: {
          const never: never = event;
          throw new Error(`Unknown ring event ${JSON.stringify(never)}`);
        }
      }
    }
    tracked.cursor = newestSeq;
    tracked.uptimeSeconds = report.uptimeSeconds;
  }
}
