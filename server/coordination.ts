/**
 * Election and Berkeley clock synchronisation, wired to the network: the
 * pure machines of `shared/` (`Election`, `BerkeleyRound`, `ClockFollower`)
 * get their inputs here (reference lists, announcements, requests, replies,
 * time) and their actions are carried out (requests to peers, announcements
 * on topic `servers`, clock adjustments).
 *
 * - Election (bully, lowest rank wins): starts once the reference gave our
 *   rank and a first list. `send_election` → an `election` request (with our
 *   `rank` and `name`); its OK is stepped as `election_ok`.
 *   `query_status` → a `status` request whose `coordinator` is stepped.
 *   `announce` → `{service: "election", data: {coordinator, rank, …}}` on
 *   `servers` (`rank` is our extension; others read `coordinator`), from the
 *   server's long-lived PUB socket, repeated every 500 ms by the coordinator.
 * - Berkeley: while coordinator, `BerkeleyRound` polls `clock` on every
 *   peer (best of {@linkcode CLOCK_PROBES} probes) and sends `clock_adjust`
 *   with `adjust`, plus our extensions `name` (the coordinator) and
 *   `round`, signed (see `peer_auth.ts`).
 * - Followers count handled client requests; every 10th asks the
 *   coordinator for a round with a `clock` request — at most one in flight
 *   and one per {@linkcode SYNC_REQUEST_GAP_MS}, so a busy server cannot
 *   flood the coordinator (the coordinator would merge them anyway). A
 *   failed request reports the coordinator unreachable to the election.
 *
 * @module
 */

import { BerkeleyRound } from "@agora/shared/berkeley_round";
import type { BerkeleyRoundAction } from "@agora/shared/berkeley_round";
import { ClockFollower } from "@agora/shared/clock_follower";
import {
  Election,
  type ElectionAction,
  type ElectionTimings,
  type Peer,
} from "@agora/shared/election";
import type { Logger } from "@agora/shared/log";
import { ZmqError } from "@agora/shared/zmq";
import type { PhysicalClock } from "@agora/shared/physical_clock";
import type { ServerEntry } from "@agora/shared/protocol";
import type { EventRing } from "./events.ts";
import type { Requester } from "./requester.ts";

/** A follower asks the coordinator for a sync at most this often. */
export const SYNC_REQUEST_GAP_MS = 1000;
/** Clock probes per peer and Berkeley round (the fastest one is used). */
export const CLOCK_PROBES = 3;
/** A probe whose round trip took longer than this is not used, seconds. */
export const CLOCK_PROBE_RTT_SECONDS_MAX = 0.05;
/** How long a round waits for every peer's probes, ms. */
export const BERKELEY_REPLY_TIMEOUT_MS = 400;

/** What {@link Coordination} needs. */
export interface CoordinationOptions {
  /** This server's name. */
  name: string;
  /** The physical clock Berkeley adjusts. */
  physical: PhysicalClock;
  /** Sends requests to peers. */
  requester: Requester;
  /** Publishes an announcement on topic `servers`. */
  announce: (coordinator: string, rank: number) => void;
  /** The current Lamport clock, for events. */
  lamport: () => number;
  /** Where events are recorded. */
  events: EventRing;
  /** Logger. */
  log: Logger;
  /** Timeout of requests to peers, ms. */
  requestTimeoutMs: number;
  /** Berkeley round period, ms. */
  berkeleyIntervalMs: number;
  /** Election timeouts (defaults: `ELECTION_TIMINGS`). */
  electionTimings?: Partial<ElectionTimings>;
  /** Monotonic time, ms (default `performance.now`). */
  nowMs?: () => number;
}

/** Outcome of a `clock_adjust` request. */
export type AdjustOutcome =
  | { applied: true; offsetSeconds: number }
  | { applied: false; offsetSeconds: number; refused?: string };

/** Election + Berkeley wiring (see the module docs). */
export class Coordination {
  readonly #o: CoordinationOptions;
  readonly #nowMs: () => number;
  readonly #berkeley: BerkeleyRound;
  readonly #follower = new ClockFollower();
  #election: Election | undefined;
  #rank: number | undefined;
  #peers: Peer[] | undefined;
  readonly #addresses = new Map<string, string>();
  #syncInFlight = false;
  #lastSyncMs = -Infinity;
  #rounds = 0;
  /** The last coordinator known, kept across a gap with none (for the log). */
  #lastCoordinator: string | null = null;

  /** Creates the wiring; the election starts once rank and list are known. */
  constructor(options: CoordinationOptions) {
    this.#o = options;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#berkeley = new BerkeleyRound({
      self: options.name,
      roundIntervalMs: options.berkeleyIntervalMs,
      replyTimeoutMs: BERKELEY_REPLY_TIMEOUT_MS,
      // The quality filter is per probe (above); the round only sees how
      // long all probes took, which must fit in its reply timeout.
      rttSecondsMax: BERKELEY_REPLY_TIMEOUT_MS / 1000,
      // Followers refuse a round not above the last one they applied from
      // us (a replayed `clock_adjust`): numbering from the start time in
      // ms, with at least a second between rounds (one number per round),
      // a restarted coordinator starts above every round it ever sent.
      firstRound: Date.now(),
    });
  }

  /** Our rank, once known. */
  get rank(): number | undefined {
    return this.#rank;
  }

  /** The coordinator we believe in, or null. */
  get coordinator(): string | null {
    return this.#election?.coordinator ?? null;
  }

  /** Whether we are the coordinator. */
  get isCoordinator(): boolean {
    return this.#election?.isCoordinator ?? false;
  }

  /** The election phase ("stopped" before rank and list are known). */
  get phase(): string {
    return this.#election?.phase ?? "stopped";
  }

  /** Elections this server started. */
  get electionsStarted(): number {
    return this.#election?.electionsStarted ?? 0;
  }

  /** Berkeley rounds this server completed as coordinator. */
  get berkeleyRounds(): number {
    return this.#rounds;
  }

  /** The reference gave us a rank. */
  setRank(rank: number): void {
    if (this.#rank === rank) return;
    if (this.#election) {
      // Ranks are stable; a different one means the reference's table was
      // lost. Start over with it.
      this.#o.log.warn("rank_changed", { from: this.#rank, to: rank });
      this.#berkeley.step({ type: "cancel" });
      this.#election = undefined;
    }
    this.#rank = rank;
    this.#maybeStart();
  }

  /** A fresh list from the reference. */
  onList(list: readonly ServerEntry[]): void {
    this.#peers = list.map(({ name, rank }) => ({ name, rank }));
    for (const entry of list) {
      if (entry.address !== undefined) {
        this.#addresses.set(entry.name, entry.address);
      }
    }
    this.#berkeley.step({
      type: "peers",
      peers: list.map((entry) => entry.name).filter((n) => n !== this.#o.name),
    });
    if (!this.#election) return this.#maybeStart();
    this.#act(
      this.#election.step({
        type: "peers",
        nowMs: this.#nowMs(),
        peers: this.#peers,
      }),
    );
  }

  /** Time passes: election and Berkeley timeouts. */
  tick(): void {
    if (!this.#election) return;
    const nowMs = this.#nowMs();
    this.#act(this.#election.step({ type: "tick", nowMs }));
    if (this.isCoordinator) {
      const readingSeconds = this.#o.physical.now();
      this.#berkeleyActs(
        this.#berkeley.step({ type: "tick", nowMs, readingSeconds }),
        readingSeconds,
      );
    }
  }

  /**
   * A signed announcement arrived on topic `servers` (the server drops the
   * others): the election ignores one whose Lamport `clock` is not newer
   * than the claimant's last (a replay).
   */
  onAnnouncement(
    coordinator: string,
    rank: number,
    clock: number | undefined,
  ): void {
    if (!this.#election) return;
    this.#act(this.#election.step({
      type: "announcement",
      nowMs: this.#nowMs(),
      coordinator,
      rank,
      ...(clock === undefined ? {} : { clock }),
    }));
  }

  /** An `election` request arrived (the caller answers OK). */
  onElectionRequest(fromRank: number | undefined): void {
    if (!this.#election) return;
    this.#act(this.#election.step({
      type: "election_request",
      nowMs: this.#nowMs(),
      ...(fromRank === undefined ? {} : { fromRank }),
    }));
  }

  /** A `clock` request arrived: the coordinator takes it as a sync request. */
  onClockRequest(): void {
    if (!this.isCoordinator) return;
    const readingSeconds = this.#o.physical.now();
    this.#berkeleyActs(
      this.#berkeley.step({
        type: "request",
        nowMs: this.#nowMs(),
        readingSeconds,
      }),
      readingSeconds,
    );
  }

  /**
   * A `clock_adjust` request arrived (already authenticated). Refused, with
   * the reason for the error reply: a sender other than our coordinator,
   * an adjustment beyond `BERKELEY_ADJUST_SECONDS_MAX`, or a round older
   * than the last one applied from that coordinator (a replay: see
   * `ClockFollower`). The same round again is not applied twice.
   */
  onClockAdjust(
    adjustSeconds: number,
    from: string | undefined,
    round: number | undefined,
  ): AdjustOutcome {
    const actions = this.#follower.step({
      type: "adjust",
      adjustSeconds,
      coordinator: this.coordinator,
      ...(from === undefined ? {} : { from }),
      ...(round === undefined ? {} : { round }),
    });
    let applied = false;
    let refused: string | undefined;
    for (const action of actions) {
      if (action.type === "refuse_adjust") {
        refused = action.reason;
      } else if (action.type === "apply_adjust") {
        if (this.#o.physical.adjust(action.adjustSeconds)) {
          applied = true;
        } else {
          refused =
            `The clock refused an adjustment of ${action.adjustSeconds} s.`;
        }
      }
    }
    if (refused !== undefined) {
      this.#o.log.warn("clock_adjust_refused", {
        from,
        round,
        adjustMs: adjustSeconds * 1000,
        reason: refused,
      });
      return {
        applied: false,
        offsetSeconds: this.#o.physical.offset,
        refused,
      };
    }
    if (applied) {
      this.#o.log.debug("clock_adjusted", {
        from,
        round,
        adjustMs: adjustSeconds * 1000,
        offsetMs: this.#o.physical.offset * 1000,
      });
    }
    return { applied, offsetSeconds: this.#o.physical.offset };
  }

  /** A client request was handled (Berkeley's every-10-messages sync). */
  onClientHandled(): void {
    const actions = this.#follower.step({ type: "message_handled" });
    if (actions.length > 0) this.#requestSync();
  }

  #maybeStart(): void {
    if (this.#election || this.#rank === undefined || !this.#peers) return;
    this.#election = new Election({
      name: this.#o.name,
      rank: this.#rank,
      timings: this.#o.electionTimings,
    });
    this.#act(this.#election.step({
      type: "start",
      nowMs: this.#nowMs(),
      peers: this.#peers,
    }));
  }

  #requestSync(): void {
    const coordinator = this.coordinator;
    if (coordinator === null) return;
    if (coordinator === this.#o.name) return this.onClockRequest();
    const nowMs = this.#nowMs();
    if (this.#syncInFlight || nowMs - this.#lastSyncMs < SYNC_REQUEST_GAP_MS) {
      return;
    }
    const address = this.#addresses.get(coordinator);
    if (address === undefined) return;
    this.#syncInFlight = true;
    this.#lastSyncMs = nowMs;
    this.#o.requester.call(address, "clock", {}, { sign: [] }).catch(
      (error) => {
        // Only this request's own timeout says the coordinator is gone. A
        // request failed because another one to the same address timed
        // out (its socket is replaced, Lazy Pirate) says nothing about the
        // coordinator: right after a restarted coordinator took over, an
        // old request to its previous life did that, and every follower
        // dropped a live coordinator.
        if (!(error instanceof ZmqError && error.code === "ETIMEDOUT")) return;
        this.#act(
          this.#election?.step({
            type: "coordinator_unreachable",
            nowMs: this.#nowMs(),
            name: coordinator,
          }) ?? [],
        );
      },
    ).finally(() => this.#syncInFlight = false);
  }

  #act(actions: readonly ElectionAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "send_election":
          this.#sendElection(action.to);
          break;
        case "announce":
          this.#o.announce(action.coordinator, action.rank);
          break;
        case "query_status":
          this.#queryStatus(action.to);
          break;
        case "coordinator_changed":
          this.#coordinatorChanged(action.coordinator, action.previous);
          break;
        default: {
          const never: never = action;
          void never;
        }
      }
    }
  }

  #coordinatorChanged(coordinator: string | null, previous: string | null) {
    const timestamp = this.#o.physical.now();
    if (previous === this.#o.name) this.#berkeley.step({ type: "cancel" });
    if (coordinator === null) {
      this.#o.log.warn("coordinator_lost", { previous });
      if (previous !== null) {
        this.#o.events.push({ type: "coordinator_lost", previous, timestamp });
      }
      return;
    }
    // After a loss the election reports `previous: null` (none was known
    // meanwhile); the log names the one before the gap.
    this.#o.log.info("coordinator", {
      coordinator,
      previous: previous ?? this.#lastCoordinator,
    });
    this.#lastCoordinator = coordinator;
    this.#o.events.push({
      type: "election",
      coordinator,
      timestamp,
      clock: this.#o.lamport(),
    });
  }

  #sendElection(to: string): void {
    const address = this.#addresses.get(to);
    if (address === undefined || this.#rank === undefined) return;
    this.#o.requester.call(
      address,
      "election",
      { rank: this.#rank, name: this.#o.name },
      { sign: [], timeoutMs: this.#o.requestTimeoutMs },
    ).then(() => {
      this.#act(
        this.#election?.step({
          type: "election_ok",
          nowMs: this.#nowMs(),
          from: to,
        }) ?? [],
      );
    }, () => {
      // No OK: the election's own timeout decides.
    });
  }

  #queryStatus(to: string): void {
    const address = this.#addresses.get(to);
    if (address === undefined) return;
    this.#o.requester.call(address, "status", {}, { sign: [] }).then(
      (status) => {
        this.#act(
          this.#election?.step({
            type: "status_reply",
            nowMs: this.#nowMs(),
            coordinator: status.coordinator,
            from: to,
          }) ?? [],
        );
      },
      () => {
        // Unreachable: the startup wait decides.
      },
    );
  }

  /** `roundStartSeconds`: the reading given to the step that made them. */
  #berkeleyActs(
    actions: readonly BerkeleyRoundAction[],
    roundStartSeconds = 0,
  ): void {
    for (const action of actions) {
      switch (action.type) {
        case "request_clock":
          this.#requestClock(action.to, action.round, roundStartSeconds);
          break;
        case "send_adjust":
          this.#sendAdjust(action.to, action.round, action.adjustSeconds);
          break;
        case "adjust_self":
          // Bounded by the round; the clock refuses beyond its own bound.
          if (!this.#o.physical.adjust(action.adjustSeconds)) {
            this.#o.log.warn("clock_adjust_refused", {
              round: action.round,
              adjustMs: action.adjustSeconds * 1000,
              reason: "own adjustment beyond the clock's bound",
            });
          }
          break;
        case "round_done":
          this.#roundDone(action);
          break;
        default: {
          const never: never = action;
          void never;
        }
      }
    }
  }

  /**
   * Probes `to`'s clock {@linkcode CLOCK_PROBES} times in a row and hands
   * the round the sample with the shortest round trip (Cristian's method:
   * the shortest trip bounds the asymmetry error best; one sample can be
   * delayed by a busy event loop on either side). `BerkeleyRound` measures
   * every reply from the round's start reading, so the chosen offset is
   * re-expressed as the `time` that gives it from there; probes slower than
   * {@linkcode CLOCK_PROBE_RTT_SECONDS_MAX} do not count.
   */
  #requestClock(to: string, round: number, roundStartSeconds: number): void {
    const address = this.#addresses.get(to);
    if (address === undefined) return;
    const clock = this.#o.physical;
    (async () => {
      let best: { offsetSeconds: number; rttSeconds: number } | undefined;
      for (let probe = 0; probe < CLOCK_PROBES; probe++) {
        const sentSeconds = clock.now();
        let timeSeconds: number;
        try {
          ({ time: timeSeconds } = await this.#o.requester.call(
            address,
            "clock",
            {},
            { sign: [] },
          ));
        } catch {
          break;
        }
        // Read our clock first: everything after this is not round trip.
        const receivedSeconds = clock.now();
        const rttSeconds = receivedSeconds - sentSeconds;
        if (rttSeconds < 0 || rttSeconds > CLOCK_PROBE_RTT_SECONDS_MAX) {
          continue;
        }
        if (best === undefined || rttSeconds < best.rttSeconds) {
          best = {
            offsetSeconds: timeSeconds + rttSeconds / 2 - receivedSeconds,
            rttSeconds,
          };
        }
      }
      if (best === undefined || !this.isCoordinator) return;
      const readingSeconds = clock.now();
      this.#berkeleyActs(this.#berkeley.step({
        type: "reply",
        nowMs: this.#nowMs(),
        readingSeconds,
        from: to,
        round,
        timeSeconds: best.offsetSeconds + readingSeconds -
          (readingSeconds - roundStartSeconds) / 2,
      }));
    })();
  }

  #sendAdjust(to: string, round: number, adjustSeconds: number): void {
    const address = this.#addresses.get(to);
    if (address === undefined) return;
    const name = this.#o.name;
    this.#o.requester.call(
      address,
      "clock_adjust",
      { adjust: adjustSeconds, name, round },
      { sign: [adjustSeconds, name, round] },
    ).catch((error) =>
      this.#o.log.debug("clock_adjust_failed", {
        to,
        round,
        error: error instanceof Error ? error.message : String(error),
      })
    );
  }

  #roundDone(
    action: Extract<BerkeleyRoundAction, { type: "round_done" }>,
  ): void {
    this.#rounds++;
    const adjustmentsMs: Record<string, number> = {};
    for (const [name, seconds] of Object.entries(action.result.adjustments)) {
      adjustmentsMs[name] = seconds * 1000;
    }
    this.#o.log.info("berkeley_round", {
      round: action.round,
      adjustmentsMs,
      excluded: action.result.excluded,
      clamped: action.result.clamped,
      missing: action.missing,
    });
    this.#o.events.push({
      type: "berkeley",
      coordinator: this.#o.name,
      round: action.round,
      adjustmentsMs,
      excluded: { ...action.result.excluded },
      missing: action.missing,
      timestamp: this.#o.physical.now(),
    });
  }
}
