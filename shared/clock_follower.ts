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
 * - `adjust` (a `clock_adjust` request arrived) outputs `apply_adjust` once
 *   per `(from, round)`: a repeated request (a retry, a duplicate) must not
 *   move the clock twice. The last `roundsRemembered` keys are kept. Refused:
 *   a non-finite adjustment, and one whose sender (`from`) is not the
 *   coordinator this server believes in (`coordinator`): while two servers
 *   briefly both act as coordinator, each clock thus follows one of them and
 *   is not moved by two rounds measured against each other. `from` and
 *   `round` are extension fields of `clock_adjust` (`name`, `round`); when
 *   the request lacks them, the check or the de-duplication cannot be made
 *   and the adjustment is applied.
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

/** Configuration of {@link ClockFollower}. */
export interface ClockFollowerOptions {
  /** Ask for a sync every this many handled messages (default 10). */
  syncEveryMessages?: number;
  /** How many `(from, round)` keys to remember (default 16). */
  roundsRemembered?: number;
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
  | { type: "apply_adjust"; adjustSeconds: number };

/** Follower-side sync counter and `clock_adjust` de-duplication. */
export class ClockFollower {
  readonly #syncEveryMessages: number;
  readonly #roundsRemembered: number;
  #handled = 0;
  #applied: string[] = [];

  /** Creates a follower with a zero message count. */
  constructor(options: ClockFollowerOptions = {}) {
    this.#syncEveryMessages = Math.max(1, options.syncEveryMessages ?? 10);
    this.#roundsRemembered = Math.max(1, options.roundsRemembered ?? 16);
  }

  /** Feeds one input; returns what to do. */
  step(input: ClockFollowerInput): ClockFollowerAction[] {
    switch (input.type) {
      case "message_handled":
        this.#handled = (this.#handled + 1) % this.#syncEveryMessages;
        return this.#handled === 0 ? [{ type: "request_sync" }] : [];
      case "adjust": {
        if (!Number.isFinite(input.adjustSeconds)) return [];
        const from = input.from ?? input.coordinator;
        if (from !== input.coordinator) return [];
        if (input.round !== undefined) {
          const key = `${from}\u0000${input.round}`;
          if (this.#applied.includes(key)) return [];
          this.#applied.push(key);
          if (this.#applied.length > this.#roundsRemembered) {
            this.#applied.shift();
          }
        }
        return [{ type: "apply_adjust", adjustSeconds: input.adjustSeconds }];
      }
      default: {
        const unknown: never = input;
        void unknown;
        return [];
      }
    }
  }
}
