/**
 * The follower's side of Berkeley synchronisation: a state machine with no
 * I/O.
 *
 * - `message_handled` (one per client request the server handled): every
 *   `syncEveryMessages`-th (10 by default) outputs `request_sync`. The
 *   server then sends a `clock` request to the coordinator, which takes it
 *   as a request for a round (`BerkeleyRound` input `request`); if that
 *   request fails, the coordinator is unreachable (`Election` input
 *   `coordinator_unreachable`). The coordinator itself steps its own
 *   `BerkeleyRound` instead.
 * - `adjust` (a `clock_adjust` request arrived) outputs `apply_adjust`, or
 *   `refuse_adjust` with the reason for the reply, or nothing:
 *   - refused: a non-finite adjustment; one larger in magnitude than
 *     `adjustSecondsMax` (default {@linkcode BERKELEY_ADJUST_SECONDS_MAX},
 *     which the coordinator never exceeds); one whose sender (`from`) is not
 *     the coordinator this server believes in (`coordinator`): while two
 *     servers briefly both act as coordinator, each clock thus follows one
 *     of them and is not moved by two rounds measured against each other;
 *     and one whose `round` is lower than the last round applied from that
 *     sender.
 *   - nothing (already applied): the same `round` again — a retry or a
 *     duplicate must not move the clock twice, and needs no error.
 *
 *   Rounds are monotonic per coordinator: a signed `clock_adjust` stays
 *   valid for the freshness window (60 s), so remembering only recent
 *   rounds would let an old one be replayed once it was forgotten; the
 *   last applied round per sender is kept instead (one number per server
 *   that was ever our coordinator). The coordinator numbers its rounds from
 *   its start time in ms and takes at least a second between rounds, so a
 *   restarted coordinator's first round is above any it sent before; a
 *   coordinator never heard from starts fresh.
 *
 *   `from` and `round` are extension fields of `clock_adjust` (`name`,
 *   `round`); when the request lacks them, the check or the ordering cannot
 *   be made and the adjustment is applied (within the bound).
 *
 * @example
 * ```ts
 * import { ClockFollower } from "@agora/shared/clock_follower";
 * const follower = new ClockFollower();
 * for (let i = 0; i < 10; i++) follower.step({ type: "message_handled" });
 * // the 10th returned [{ type: "request_sync" }]
 * follower.step({ type: "adjust", from: "server_1", round: 7, adjustSeconds: 0.01, coordinator: "server_1" });
 * // → [{ type: "apply_adjust", adjustSeconds: 0.01 }]; again → []
 * ```
 *
 * @module
 */

import { BERKELEY_ADJUST_SECONDS_MAX } from "./berkeley.ts";

/** Configuration of {@link ClockFollower}. */
export interface ClockFollowerOptions {
  /** Ask for a sync every this many handled messages (default 10). */
  syncEveryMessages?: number;
  /** Refuse adjustments larger than this, seconds (default 10). */
  adjustSecondsMax?: number;
}

/** What the server tells the follower. */
export type ClockFollowerInput =
  /** The server handled one client message. */
  | { type: "message_handled" }
  /**
   * A `clock_adjust` request arrived; `coordinator` is who this server
   * believes is the coordinator; `from` and `round` when the request says.
   */
  | {
    type: "adjust";
    adjustSeconds: number;
    coordinator: string | null;
    from?: string;
    round?: number;
  };

/** What the follower asks the server to do. */
export type ClockFollowerAction =
  /** Send a `clock` request to the coordinator. */
  | { type: "request_sync" }
  /** Add `adjustSeconds` to the physical clock. */
  | { type: "apply_adjust"; adjustSeconds: number }
  /** Do not apply the adjustment; `reason` is for the log and the reply. */
  | { type: "refuse_adjust"; reason: string };

/** Follower-side sync counter and `clock_adjust` checks. */
export class ClockFollower {
  readonly #syncEveryMessages: number;
  readonly #adjustSecondsMax: number;
  #handled = 0;
  /** The last round applied, per sender. */
  #lastRound = new Map<string, number>();

  /** Creates a follower with a zero message count. */
  constructor(options: ClockFollowerOptions = {}) {
    this.#syncEveryMessages = Math.max(1, options.syncEveryMessages ?? 10);
    this.#adjustSecondsMax = options.adjustSecondsMax ??
      BERKELEY_ADJUST_SECONDS_MAX;
  }

  /** Feeds one input; returns what to do. */
  step(input: ClockFollowerInput): ClockFollowerAction[] {
    switch (input.type) {
      case "message_handled":
        this.#handled = (this.#handled + 1) % this.#syncEveryMessages;
        return this.#handled === 0 ? [{ type: "request_sync" }] : [];
      case "adjust":
        return this.#onAdjust(input);
      default: {
        const unknown: never = input;
        void unknown;
        return [];
      }
    }
  }

  #onAdjust(
    input: Extract<ClockFollowerInput, { type: "adjust" }>,
  ): ClockFollowerAction[] {
    const { adjustSeconds, round } = input;
    if (typeof adjustSeconds !== "number" || !Number.isFinite(adjustSeconds)) {
      return refuse("The adjustment is not a finite number.");
    }
    if (!(Math.abs(adjustSeconds) <= this.#adjustSecondsMax)) {
      return refuse(
        `The adjustment ${adjustSeconds} s exceeds the bound of ${this.#adjustSecondsMax} s.`,
      );
    }
    // Without a sender name the request is taken to come from whoever we
    // follow (a course client's `clock_adjust`).
    const from = input.from ?? input.coordinator;
    if (from !== input.coordinator) {
      return refuse(
        `"${from}" is not the coordinator this server follows (${
          input.coordinator ?? "none"
        }).`,
      );
    }
    if (round !== undefined && from !== null) {
      if (typeof round !== "number" || !Number.isFinite(round)) {
        return refuse("The round is not a finite number.");
      }
      const last = this.#lastRound.get(from);
      if (last !== undefined && round === last) return [];
      if (last !== undefined && round < last) {
        return refuse(
          `Round ${round} of "${from}" is older than its last applied round ${last}.`,
        );
      }
      this.#lastRound.set(from, round);
    }
    return [{ type: "apply_adjust", adjustSeconds }];
  }
}

function refuse(reason: string): ClockFollowerAction[] {
  return [{ type: "refuse_adjust", reason }];
}
