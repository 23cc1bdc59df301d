/**
 * The coordinator's Berkeley round driver: a state machine with no I/O.
 *
 * Only the coordinator drives rounds (the server steps it while it is the
 * coordinator and sends `cancel` when it stops being one). States:
 *
 * - **idle** → **collecting** when a round starts: on `request` (a follower
 *   asked for a sync, or the coordinator's own message counter fired), when
 *   `peers` shows a server that was not there (its clock is unsynchronised),
 *   or on `tick` once `roundIntervalMs` has passed since the last round; never
 *   sooner than `minRoundGapMs` after the previous start (a request that
 *   comes too soon is remembered and served by a later tick), and only with
 *   at least one live peer. Output: one `request_clock` per peer, stamped
 *   with the round number; the coordinator's clock reading at the start is
 *   the send time of every request.
 * - **collecting** → **idle** when every peer has replied (`reply`) or
 *   `replyTimeoutMs` has passed (`tick`; by default the round-trip limit,
 *   beyond which a reply would be ignored anyway): the round is computed by
 *   {@link computeBerkeley}. Output: `adjust_self` (the coordinator's own
 *   adjustment), one `send_adjust` per adjusted peer (the server sends it as
 *   `clock_adjust`), and `round_done` with the result and the peers that did
 *   not answer.
 *
 * Inputs carry two times: `nowMs`, a monotonic time for timeouts (e.g.
 * `performance.now()`), and `readingSeconds`, the coordinator's physical
 * clock reading, which the Berkeley arithmetic uses. Replies for another
 * round, from an unexpected peer, or repeated, are ignored.
 *
 * Round numbers start at `firstRound`: pass a value above every round an
 * earlier run of this coordinator used (e.g. the start time in ms, with
 * rounds at most one a second), since followers refuse a `clock_adjust`
 * whose round is below the last they applied from that coordinator (see
 * `clock_follower`).
 *
 * @example
 * ```ts
 * import { BerkeleyRound } from "@agora/shared/berkeley_round";
 * const round = new BerkeleyRound({ self: "server_1" });
 * round.step({ type: "peers", peers: ["server_2"] });
 * round.step({ type: "tick", nowMs: 0, readingSeconds: 100 });
 * // → [{ type: "request_clock", to: "server_2", round: 1 }]
 * round.step({ type: "reply", nowMs: 2, readingSeconds: 100.002, from: "server_2", round: 1, timeSeconds: 100.5 });
 * // → adjust_self +0.2495, send_adjust server_2 -0.2495, round_done
 * ```
 *
 * @module
 */

import {
  BERKELEY_RTT_SECONDS_MAX,
  type BerkeleyResult,
  type ClockSample,
  computeBerkeley,
} from "./berkeley.ts";

/** Configuration of {@link BerkeleyRound}; times in ms unless named. */
export interface BerkeleyRoundOptions {
  /** The coordinator's own name. */
  self: string;
  /**
   * How long to wait for `clock` replies (default: the round-trip limit,
   * 100 ms, since a slower reply is not used anyway). Short rounds also keep
   * the time between measuring a clock and adjusting it short.
   */
  replyTimeoutMs?: number;
  /** Start a round at least this often (default 10 000 ms). */
  roundIntervalMs?: number;
  /** Never start rounds closer than this (default 1 000 ms). */
  minRoundGapMs?: number;
  /** Passed to {@link computeBerkeley} (default 2 s). */
  outlierSecondsMax?: number;
  /** Passed to {@link computeBerkeley} (default 0.1 s). */
  rttSecondsMax?: number;
  /** Number of the first round (default 1). */
  firstRound?: number;
}

/** What the server tells the round driver. */
export type BerkeleyRoundInput =
  /** The live servers other than the coordinator (the reference's list). */
  | { type: "peers"; peers: readonly string[] }
  /** A sync was asked for: start a round now if allowed, else soon. */
  | { type: "request"; nowMs: number; readingSeconds: number }
  /** Time passes: timeouts and periodic rounds. */
  | { type: "tick"; nowMs: number; readingSeconds: number }
  /** A `clock` reply (`timeSeconds` = its `time`) arrived. */
  | {
    type: "reply";
    nowMs: number;
    readingSeconds: number;
    from: string;
    round: number;
    timeSeconds: number;
  }
  /** This server is no longer the coordinator: drop any round. */
  | { type: "cancel" };

/** What the round driver asks the server to do. */
export type BerkeleyRoundAction =
  /** Send a `clock` request to `to`; step its reply with this `round`. */
  | { type: "request_clock"; to: string; round: number }
  /** Send `clock_adjust` with `adjust: adjustSeconds` (and `round`). */
  | { type: "send_adjust"; to: string; round: number; adjustSeconds: number }
  /** Add `adjustSeconds` to the coordinator's own clock. */
  | { type: "adjust_self"; round: number; adjustSeconds: number }
  /** The round is over (for logs and status). */
  | {
    type: "round_done";
    round: number;
    result: BerkeleyResult;
    missing: string[];
  };

interface Collecting {
  round: number;
  deadlineMs: number;
  sentAtSeconds: number;
  expected: Set<string>;
  samples: ClockSample[];
}

/** Coordinator-side Berkeley rounds (see the module documentation). */
export class BerkeleyRound {
  readonly #self: string;
  readonly #replyTimeoutMs: number;
  readonly #roundIntervalMs: number;
  readonly #minRoundGapMs: number;
  readonly #outlierSecondsMax: number | undefined;
  readonly #rttSecondsMax: number;
  #peers: string[] = [];
  #nextRound: number;
  #lastStartMs = -Infinity;
  #requested = false;
  #collecting: Collecting | null = null;

  /** Creates an idle driver. */
  constructor(options: BerkeleyRoundOptions) {
    this.#self = options.self;
    this.#rttSecondsMax = options.rttSecondsMax ?? BERKELEY_RTT_SECONDS_MAX;
    this.#replyTimeoutMs = options.replyTimeoutMs ??
      Math.max(1, this.#rttSecondsMax * 1000);
    this.#roundIntervalMs = options.roundIntervalMs ?? 10_000;
    this.#minRoundGapMs = options.minRoundGapMs ?? 1_000;
    this.#outlierSecondsMax = options.outlierSecondsMax;
    this.#nextRound = options.firstRound ?? 1;
  }

  /** The round being collected, or null when idle. */
  get activeRound(): number | null {
    return this.#collecting?.round ?? null;
  }

  /** Feeds one input; returns what to do, in order. */
  step(input: BerkeleyRoundInput): BerkeleyRoundAction[] {
    switch (input.type) {
      case "peers": {
        const before = new Set(this.#peers);
        this.#peers = [...new Set(input.peers)].filter((name) =>
          name !== this.#self
        );
        // A server that just joined runs on an unsynchronised clock.
        if (this.#peers.some((name) => !before.has(name))) {
          this.#requested = true;
        }
        return [];
      }
      case "request":
        // A round in progress already serves the request.
        if (this.#collecting) return [];
        this.#requested = true;
        return this.#maybeStart(input.nowMs, input.readingSeconds);
      case "tick":
        if (this.#collecting) {
          return input.nowMs >= this.#collecting.deadlineMs
            ? this.#finish()
            : [];
        }
        return this.#maybeStart(input.nowMs, input.readingSeconds);
      case "reply":
        return this.#onReply(input);
      case "cancel":
        this.#collecting = null;
        this.#requested = false;
        return [];
      default: {
        const unknown: never = input;
        void unknown;
        return [];
      }
    }
  }

  #maybeStart(nowMs: number, readingSeconds: number): BerkeleyRoundAction[] {
    if (this.#collecting) return [];
    const sinceLastMs = nowMs - this.#lastStartMs;
    const due = this.#requested || sinceLastMs >= this.#roundIntervalMs;
    // Alone, there is nobody to agree with: wait for a peer.
    if (!due || sinceLastMs < this.#minRoundGapMs || this.#peers.length === 0) {
      return [];
    }
    this.#requested = false;
    this.#lastStartMs = nowMs;
    const round = this.#nextRound++;
    this.#collecting = {
      round,
      deadlineMs: nowMs + this.#replyTimeoutMs,
      sentAtSeconds: readingSeconds,
      expected: new Set(this.#peers),
      samples: [],
    };
    return this.#peers.map((to) => ({ type: "request_clock", to, round }));
  }

  #onReply(
    input: Extract<BerkeleyRoundInput, { type: "reply" }>,
  ): BerkeleyRoundAction[] {
    const collecting = this.#collecting;
    if (!collecting || input.round !== collecting.round) return [];
    if (!collecting.expected.delete(input.from)) return [];
    collecting.samples.push({
      name: input.from,
      timeSeconds: input.timeSeconds,
      sentAtSeconds: collecting.sentAtSeconds,
      receivedAtSeconds: input.readingSeconds,
    });
    return collecting.expected.size === 0 ? this.#finish() : [];
  }

  #finish(): BerkeleyRoundAction[] {
    const collecting = this.#collecting;
    if (!collecting) return [];
    this.#collecting = null;
    const { round } = collecting;
    const result = computeBerkeley({
      coordinator: this.#self,
      samples: collecting.samples,
      outlierSecondsMax: this.#outlierSecondsMax,
      rttSecondsMax: this.#rttSecondsMax,
    });
    const actions: BerkeleyRoundAction[] = [{
      type: "adjust_self",
      round,
      adjustSeconds: result.adjustments[this.#self],
    }];
    for (const [to, adjustSeconds] of Object.entries(result.adjustments)) {
      if (to !== this.#self) {
        actions.push({ type: "send_adjust", to, round, adjustSeconds });
      }
    }
    actions.push({
      type: "round_done",
      round,
      result,
      missing: [...collecting.expected],
    });
    return actions;
  }
}
