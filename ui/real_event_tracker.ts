/**
 * Derives the dashboard's {@linkcode ClusterEvent}s from what the UI
 * observes of a real cluster. Pure: the caller feeds it coordinator
 * announcements (topic `servers`) and status polls, with the time.
 *
 * Every event carries the time it happened, as well as the UI can tell, on
 * the UI's clock (the one of the polls, of the chart and of the servers'
 * logs). Times the servers stamp (ring events, announcements) are on their
 * physical clocks, which are skewed on purpose (Berkeley keeps them close
 * to each other, not to real time), so they are moved onto the UI's clock
 * with the server's offset measured by the same poll (its reply's `time`
 * minus the middle of the round trip, as the dashboard shows it). A
 * Berkeley round between an event and that poll moved the server's clock
 * since the event (a freshly started server's first round moves it by up
 * to its whole initial offset); the rounds new in the same poll say by how
 * much, so an event older than such a round is moved back by it (older:
 * by sequence number in the round's own ring; across rings, by time):
 *
 * - **Elections** come from two sources. The new coordinator's own event
 *   ring records the moment it became coordinator, so an election the UI
 *   did not hear (no one was listening, the proxy was down) is still
 *   reported, at its time; a follower's record of the same election is a
 *   copy and is ignored. The announcements (the coordinator repeats its own
 *   every half second, so only a change counts) tell the UI at once, but
 *   their time is the first announcement the UI heard, which may be a
 *   little after the election: an announced election is therefore held
 *   until the end of the first poll that started after it arrived (the
 *   caller runs one at once, see {@linkcode ClusterEventTracker.awaitingPoll}),
 *   and reported then only if that poll did not bring the coordinator's
 *   own record of it. Both sources usually report the same election: an
 *   election is matched, one to one, with one of the other source for the
 *   same coordinator within `electionMatchSeconds` and with no other
 *   coordinator's election in between, and then only one of the two is an
 *   event. The first coordinator the UI learns (from an announcement or
 *   from the servers' agreement in a poll) is the baseline, not an event.
 * - **Berkeley rounds and catch-ups** come from each server's event ring
 *   (sequence numbers 1, 2, 3…), at the time the server recorded: a
 *   cursor per server, so every ring event is emitted once. A server's
 *   first report sets the cursor to its newest event, unless the server
 *   started moments ago (then its whole ring is news); a ring that went
 *   backwards, or an uptime that did, means the server restarted and its
 *   ring is read from the start.
 * - **Servers up and down** come from the polls: down after
 *   `downAfterMisses` polls in a row without an answer (one is enough when
 *   the reference no longer lists it either), stamped with the first of
 *   those polls; up again at its first answer, stamped with the server's
 *   own start (its answer's time minus its uptime) when that falls after
 *   it went down (else it was unreachable, not restarted), else with the
 *   poll. A server's state when first seen is the baseline, not an event:
 *   polls must therefore run while nobody watches (the dashboard hub does),
 *   or a change that happened unwatched would be stamped with the time of
 *   the next poll.
 *
 * @module
 */

import type { ClusterEvent } from "./cluster.ts";
import type { RingEvent, ServerReport } from "./real_server_report.ts";

type BerkeleyRingEvent = Extract<RingEvent, { type: "berkeley" }>;

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
  /**
   * Local time, seconds since the epoch, at the middle of its `status`
   * round trip, when it answered (without it, its clock is taken as the
   * UI's and its own start is unknown).
   */
  answeredSeconds?: number;
}

/** Tunables of {@linkcode ClusterEventTracker}. */
export interface EventTrackerOptions {
  /** Polls in a row without an answer before a listed server is down (default 2). */
  downAfterMisses?: number;
  /** A server first seen with at most this uptime has its whole ring replayed (default 30 s). */
  freshUptimeSeconds?: number;
  /** Most servers tracked (default 64); others get no events. */
  serversMax?: number;
  /**
   * Most seconds between an announced election and the coordinator's own
   * record of it for the two to be one election (default 60).
   */
  electionMatchSeconds?: number;
}

interface Tracked {
  up: boolean | undefined;
  misses: number;
  /** Time of the first poll of the current silent streak. */
  firstMissSeconds: number | null;
  /** When it went down (the down event's time, or when first seen down). */
  downSeconds: number | null;
  cursor: number | undefined;
  uptimeSeconds: number | null;
  /** Its clock minus the UI's, seconds, as last measured (0 before). */
  offsetSeconds: number;
}

/** An election reported, remembered to match its twin from the other source. */
interface KnownElection {
  coordinator: string;
  timestamp: number;
  source: "announcement" | "ring";
  matched: boolean;
}

/** A Berkeley round new in the poll being observed. */
interface Round {
  /** The server whose ring holds it (its coordinator). */
  server: string;
  /** Its sequence number in that ring. */
  seq: number;
  /** When it ended, on the UI's clock. */
  atSeconds: number;
  /** Server → adjustment applied to its clock, milliseconds. */
  adjustmentsMs: Record<string, number>;
}

/** A server's report in the poll being observed, with what to read of it. */
interface Reading {
  report: ServerReport;
  tracked: Tracked;
  /** Ring events after this sequence number are news. */
  fromSeq: number;
}

/** An announced election held until a poll has read the coordinator's ring. */
interface HeldElection {
  event: Extract<ClusterEvent, { type: "election" }>;
  /** When the announcement arrived, on the UI's clock. */
  receivedSeconds: number;
}

/** Elections remembered for matching; older ones can no longer have twins. */
const ELECTIONS_KEPT = 32;

/**
 * See the module doc.
 *
 * @example
 * ```ts
 * import { ClusterEventTracker } from "./real_event_tracker.ts";
 * const tracker = new ClusterEventTracker();
 * tracker.announce("server_1", 100, 5, 100.1); // baseline
 * tracker.announce("server_2", 104, 9, 104.1); // held
 * tracker.awaitingPoll; // true
 * tracker.observe(104.3, [], null, 104.2);
 * // [{ type: "election", coordinator: "server_2", timestamp: 104, clock: 9 }]
 * ```
 */
export class ClusterEventTracker {
  readonly #downAfterMisses: number;
  readonly #freshUptimeSeconds: number;
  readonly #serversMax: number;
  readonly #electionMatchSeconds: number;
  readonly #servers = new Map<string, Tracked>();
  readonly #elections: KnownElection[] = [];
  #held: HeldElection[] = [];
  #coordinator: string | null = null;

  /** Creates a tracker that has seen nothing yet. */
  constructor(options: EventTrackerOptions = {}) {
    this.#downAfterMisses = Math.max(1, options.downAfterMisses ?? 2);
    this.#freshUptimeSeconds = options.freshUptimeSeconds ?? 30;
    this.#serversMax = Math.max(1, options.serversMax ?? 64);
    this.#electionMatchSeconds = Math.max(
      0,
      options.electionMatchSeconds ?? 60,
    );
  }

  /** The coordinator last announced (or agreed on), `null` before any. */
  get coordinator(): string | null {
    return this.#coordinator;
  }

  /**
   * Whether an announced election awaits a poll started after its
   * announcement: the caller should start one now.
   */
  get awaitingPoll(): boolean {
    return this.#held.length > 0;
  }

  /**
   * A coordinator announcement arrived at `nowSeconds`, stamped
   * `timestamp` on the coordinator's clock (`null` when unstamped). A
   * change of coordinator is held for the next poll (see the module doc).
   */
  announce(
    coordinator: string,
    timestamp: number | null,
    clock: number,
    nowSeconds: number,
  ): void {
    if (coordinator === this.#coordinator) return;
    const baseline = this.#coordinator === null;
    this.#coordinator = coordinator;
    if (baseline) return;
    const offsetSeconds = this.#servers.get(coordinator)?.offsetSeconds ?? 0;
    this.#held.push({
      event: {
        type: "election",
        coordinator,
        timestamp: timestamp === null ? nowSeconds : timestamp - offsetSeconds,
        clock,
      },
      receivedSeconds: nowSeconds,
    });
  }

  /**
   * A status poll that started at `startedSeconds` (default `nowSeconds`)
   * and ended at `nowSeconds` saw `servers`; returns the events it makes.
   * `agreedCoordinator` (what the answering servers agree on) only sets the
   * baseline before any announcement.
   */
  observe(
    nowSeconds: number,
    servers: readonly ServerObservation[],
    agreedCoordinator: string | null = null,
    startedSeconds: number = nowSeconds,
  ): ClusterEvent[] {
    if (this.#coordinator === null && agreedCoordinator !== null) {
      this.#coordinator = agreedCoordinator;
    }
    const events: ClusterEvent[] = [];
    // Every report's offset and news first: the rounds new in this poll
    // correct the times of the events recorded before them.
    const readings: Reading[] = [];
    for (const observation of servers) {
      const tracked = this.#tracked(observation.name);
      if (tracked === undefined) continue;
      this.#upDown(nowSeconds, observation, tracked, events);
      const report = observation.report;
      if (report === null) continue;
      if (
        report.timeSeconds !== null && observation.answeredSeconds !== undefined
      ) {
        tracked.offsetSeconds = report.timeSeconds -
          observation.answeredSeconds;
      }
      readings.push({
        report,
        tracked,
        fromSeq: this.#fromSeq(report, tracked),
      });
    }
    const rounds = newRounds(readings);
    for (const reading of readings) this.#ring(reading, rounds, events);
    // Announced elections this poll could have found in the rings, and
    // did not: the announcement is all there is.
    const due = this.#held.filter((h) => h.receivedSeconds <= startedSeconds);
    this.#held = this.#held.filter((h) => h.receivedSeconds > startedSeconds);
    for (const held of due) {
      events.push(...this.#election(held.event, "announcement"));
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
        firstMissSeconds: null,
        downSeconds: null,
        cursor: undefined,
        uptimeSeconds: null,
        offsetSeconds: 0,
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
        const timestamp = this.#startedSeconds(observation, tracked) ??
          nowSeconds;
        events.push({ type: "server_up", server, timestamp });
      }
      tracked.up = true;
      tracked.misses = 0;
      tracked.firstMissSeconds = null;
      return;
    }
    tracked.misses += 1;
    tracked.firstMissSeconds ??= nowSeconds;
    const gone = tracked.misses >= this.#downAfterMisses || !observation.listed;
    if (tracked.up === true && gone) {
      // It stopped answering before the first silent poll, not at the one
      // that confirmed it.
      const timestamp = tracked.firstMissSeconds;
      events.push({ type: "server_down", server, timestamp });
      tracked.up = false;
      tracked.downSeconds = timestamp;
    } else if (tracked.up === undefined && gone) {
      tracked.up = false;
      tracked.downSeconds = tracked.firstMissSeconds;
    }
  }

  /**
   * When a server that was down started, by its own account (its uptime),
   * on the UI's clock; `null` unless that is after it went down (else it
   * was unreachable, not restarted). A restarting server is silent for a
   * while after it starts, so polls in between do not count.
   */
  #startedSeconds(
    observation: ServerObservation,
    tracked: Tracked,
  ): number | null {
    const uptimeSeconds = observation.report?.uptimeSeconds ?? null;
    const answeredSeconds = observation.answeredSeconds;
    if (uptimeSeconds === null || answeredSeconds === undefined) return null;
    const startedSeconds = answeredSeconds - uptimeSeconds;
    const after = tracked.downSeconds !== null &&
      startedSeconds > tracked.downSeconds;
    return after && startedSeconds <= answeredSeconds ? startedSeconds : null;
  }

  /** Ring events after the returned sequence number are news. */
  #fromSeq(report: ServerReport, tracked: Tracked): number {
    const newestSeq = this.#newestSeq(report);
    if (tracked.cursor === undefined) {
      const fresh = report.uptimeSeconds !== null &&
        report.uptimeSeconds <= this.#freshUptimeSeconds;
      return fresh ? 0 : newestSeq;
    }
    const restarted = newestSeq < tracked.cursor ||
      (report.uptimeSeconds !== null && tracked.uptimeSeconds !== null &&
        report.uptimeSeconds < tracked.uptimeSeconds);
    return restarted ? 0 : tracked.cursor;
  }

  #newestSeq(report: ServerReport): number {
    return Math.max(
      report.lastEventSeq ?? 0,
      ...report.events.map((event) => event.seq),
    );
  }

  #ring(
    { report, tracked, fromSeq }: Reading,
    rounds: readonly Round[],
    events: ClusterEvent[],
  ): void {
    const local = (event: { seq: number; timestamp: number }) =>
      localSeconds(report.name, tracked.offsetSeconds, event, rounds);
    for (const event of report.events) {
      if (event.seq <= fromSeq) continue;
      switch (event.type) {
        case "election":
          // Only the winner's own record: the others are copies.
          if (event.coordinator === report.name) {
            events.push(...this.#election({
              type: "election",
              coordinator: event.coordinator,
              timestamp: local(event),
              clock: event.clock,
            }, "ring"));
          }
          break;
        case "berkeley":
          events.push({
            type: "berkeley",
            coordinator: event.coordinator,
            adjustmentsMs: { ...event.adjustmentsMs },
            timestamp: local(event),
          });
          break;
        case "catch_up":
          events.push({
            type: "catch_up",
            server: event.server,
            from: event.from,
            records: event.records,
            timestamp: local(event),
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
    tracked.cursor = this.#newestSeq(report);
    tracked.uptimeSeconds = report.uptimeSeconds;
  }

  /**
   * `[event]`, unless it is the twin of an election already reported by the
   * other source (see the module doc): then it is matched and `[]`. A ring
   * record also replaces a held announcement of the same election.
   */
  #election(
    event: Extract<ClusterEvent, { type: "election" }>,
    source: KnownElection["source"],
  ): ClusterEvent[] {
    const { coordinator, timestamp } = event;
    const twins = (other: { coordinator: string; timestamp: number }) =>
      other.coordinator === coordinator &&
      Math.abs(other.timestamp - timestamp) <= this.#electionMatchSeconds &&
      !this.#elections.some((between) =>
        between.coordinator !== coordinator &&
        between.timestamp > Math.min(other.timestamp, timestamp) &&
        between.timestamp < Math.max(other.timestamp, timestamp)
      );
    const known = this.#elections.find((k) =>
      k.source !== source && !k.matched && twins(k)
    );
    if (known !== undefined) {
      known.matched = true;
      return [];
    }
    let matched = false;
    if (source === "ring") {
      const index = this.#held.findIndex((held) => twins(held.event));
      if (index >= 0) {
        this.#held.splice(index, 1);
        matched = true;
      }
    }
    this.#elections.push({ coordinator, timestamp, source, matched });
    if (this.#elections.length > ELECTIONS_KEPT) this.#elections.shift();
    return [event];
  }
}

/**
 * The Berkeley rounds new in a poll, newest first, each at its time on the
 * UI's clock (moved back by the later rounds of its own ring, which also
 * moved its coordinator's clock).
 */
function newRounds(readings: readonly Reading[]): Round[] {
  const rounds: Round[] = [];
  for (const { report, tracked, fromSeq } of readings) {
    const own = report.events.filter((event): event is BerkeleyRingEvent =>
      event.seq > fromSeq && event.type === "berkeley"
    );
    for (const event of own) {
      let movedMs = 0;
      for (const later of own) {
        if (later.seq > event.seq) {
          movedMs += later.adjustmentsMs[report.name] ?? 0;
        }
      }
      rounds.push({
        server: report.name,
        seq: event.seq,
        atSeconds: event.timestamp - tracked.offsetSeconds + movedMs / 1000,
        adjustmentsMs: event.adjustmentsMs,
      });
    }
  }
  return rounds.sort((a, b) => b.atSeconds - a.atSeconds);
}

/**
 * When `event` of `server`'s ring happened, on the UI's clock: its stamp
 * minus the server's offset now, plus the adjustments of the rounds (newest
 * first) that came after it. In the round's own ring the sequence numbers
 * tell; across rings the times do (an event is before a round when, moved
 * back by it, it still is).
 */
function localSeconds(
  server: string,
  offsetSeconds: number,
  event: { seq: number; timestamp: number },
  rounds: readonly Round[],
): number {
  let seconds = event.timestamp - offsetSeconds;
  for (const round of rounds) {
    const movedSeconds = (round.adjustmentsMs[server] ?? 0) / 1000;
    const before = round.server === server
      ? event.seq < round.seq
      : seconds + movedSeconds < round.atSeconds;
    if (!before) break;
    seconds += movedSeconds;
  }
  return seconds;
}
