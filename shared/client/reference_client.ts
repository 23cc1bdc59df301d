/**
 * A small client of the reference service (`rank`, `list`, `heartbeat`),
 * with Lazy Pirate retries on its one endpoint.
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import type {
  ReferenceService,
  RequestInput,
  ServerEntry,
} from "@agora/shared/protocol";
import { type Answer, type CallContext, callOnce, refusal } from "./call.ts";
import { AgoraError, type AttemptFailure } from "./errors.ts";
import { ExchangeFailure, RequestSockets } from "./request_sockets.ts";

/** Options of {@linkcode ReferenceClient}. */
export interface ReferenceClientOptions {
  /** The reference's REP endpoint, e.g. `tcp://127.0.0.1:5559`. */
  endpoint: string;
  /** ms to wait for each reply (default 2000). */
  timeoutMs?: number;
  /** Tries per request, reopening the socket after each timeout (default 3). */
  attempts?: number;
  /** Lamport clock to tick and merge (default: a new one). */
  clock?: LamportClock;
  /** Wall clock in ms since the epoch (default `Date.now`). */
  nowMs?: () => number;
  /** Sockets to share with another client (default: its own, closed by `close`). */
  sockets?: RequestSockets;
}

/**
 * Talks to the reference.
 *
 * @example
 * ```ts
 * import { ReferenceClient } from "@agora/shared/client";
 * const reference = new ReferenceClient({ endpoint: "tcp://127.0.0.1:5559" });
 * try {
 *   for (const server of await reference.list()) console.log(server.name, server.address);
 * } finally {
 *   reference.close();
 * }
 * ```
 */
export class ReferenceClient {
  /** The reference's endpoint. */
  readonly endpoint: string;
  /** The Lamport clock this client stamps with. */
  readonly clock: LamportClock;
  readonly #context: CallContext;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #ownsSockets: boolean;

  /** Creates the client; no socket is opened until the first request. */
  constructor(options: ReferenceClientOptions) {
    this.endpoint = options.endpoint;
    this.clock = options.clock ?? new LamportClock();
    this.#ownsSockets = options.sockets === undefined;
    this.#context = {
      sockets: options.sockets ?? new RequestSockets({ maxOpen: 4 }),
      clock: this.clock,
      nowMs: options.nowMs ?? Date.now,
    };
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  }

  /** Asks for the rank of server `user` (registering `address`, our extension). */
  async rank(user: string, address?: string): Promise<number> {
    const answer = await this.#call(
      "rank",
      address === undefined ? { user } : { user, address },
    );
    if (answer.reply.service !== "rank") throw _unexpected(answer);
    return answer.reply.data.rank;
  }

  /** The servers whose heartbeat is current (with `address` when registered). */
  async list(): Promise<ServerEntry[]> {
    const answer = await this.#call("list", {});
    if (answer.reply.service !== "list") throw _unexpected(answer);
    return answer.reply.data.list;
  }

  /** Says server `user` is alive. */
  async heartbeat(user: string, address?: string): Promise<void> {
    const answer = await this.#call(
      "heartbeat",
      address === undefined ? { user } : { user, address },
    );
    if (answer.reply.service !== "heartbeat") throw _unexpected(answer);
  }

  /** Closes the sockets (if they are its own). Idempotent. */
  close(): void {
    if (this.#ownsSockets) this.#context.sockets.close();
  }

  async #call<S extends ReferenceService>(
    service: S,
    data: RequestInput<S>,
  ): Promise<Answer<S>> {
    const failures: AttemptFailure[] = [];
    for (let attempt = 0; attempt < this.#attempts; attempt++) {
      try {
        const answer = await callOnce(
          this.#context,
          this.endpoint,
          service,
          data,
          this.#timeoutMs,
        );
        const reason = refusal(answer);
        if (reason !== undefined) {
          throw new AgoraError(reason, {
            code: "rejected",
            service,
            description: reason,
            endpoint: this.endpoint,
          });
        }
        return answer;
      } catch (error) {
        if (!(error instanceof ExchangeFailure)) throw error;
        failures.push({ endpoint: this.endpoint, reason: error.message });
      }
    }
    throw new AgoraError(
      `The reference at "${this.endpoint}" did not answer "${service}" (${this.#attempts} attempts of ${this.#timeoutMs} ms).`,
      {
        code: "unavailable",
        service,
        endpoint: this.endpoint,
        attempts: failures,
      },
    );
  }
}

function _unexpected<S extends ReferenceService>(
  answer: Answer<S>,
): AgoraError {
  return new AgoraError(
    `Unexpected "${answer.reply.service}" reply from "${answer.endpoint}".`,
    { code: "invalid_reply", endpoint: answer.endpoint },
  );
}
