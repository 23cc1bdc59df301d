/**
 * The one error type of the client library.
 *
 * @module
 */

/**
 * What went wrong:
 * - `"rejected"`: a server (or the reference) answered with an error; the
 *   message is its `description`.
 * - `"unavailable"`: no server answered in time (every attempt failed).
 * - `"invalid_reply"`: a peer answered with something that is not a valid
 *   reply (after failover, when no other server answered properly).
 * - `"invalid_argument"`: the call itself is wrong (e.g. no proxy endpoint
 *   configured for a subscription).
 * - `"unknown_outcome"`: a post (`publish` / `message`) may or may not have
 *   been stored: a server that got it did not answer, and the others
 *   refused it or did not answer either, until the retries gave up. Check
 *   the history before sending it again (never report it as refused).
 * - `"busy"`: too many requests are waiting for a socket.
 * - `"closed"`: the client was closed.
 */
export type AgoraErrorCode =
  | "rejected"
  | "unavailable"
  | "invalid_reply"
  | "invalid_argument"
  | "unknown_outcome"
  | "busy"
  | "closed";

/** One failed attempt of a request, for diagnostics. */
export interface AttemptFailure {
  /** Endpoint tried. */
  endpoint: string;
  /** Why it failed, as a sentence. */
  reason: string;
}

/** Fields of an {@linkcode AgoraError} besides its message. */
export interface AgoraErrorInit {
  /** What went wrong. */
  code: AgoraErrorCode;
  /** The request's service, when the error belongs to a request. */
  service?: string;
  /** The server's `description`, for `"rejected"` (and the last refusal's, for `"unknown_outcome"`). */
  description?: string;
  /** The endpoint that answered or failed last. */
  endpoint?: string;
  /** Every failed attempt, in order (for `"unavailable"`). */
  attempts?: AttemptFailure[];
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An error of the client library. For `"rejected"` the message is exactly
 * the server's description, so it can be shown to a person as is.
 *
 * @example
 * ```ts
 * import { AgoraError } from "@agora/shared/client";
 * try {
 *   throw new AgoraError("The channel \"x\" does not exist.", {
 *     code: "rejected", service: "publish",
 *     description: "The channel \"x\" does not exist.",
 *   });
 * } catch (error) {
 *   if (error instanceof AgoraError && error.code === "rejected") {
 *     console.log(error.message);
 *   }
 * }
 * ```
 */
export class AgoraError extends Error {
  /** What went wrong. */
  readonly code: AgoraErrorCode;
  /** The request's service, when the error belongs to a request. */
  readonly service: string | undefined;
  /** The server's `description`, for `"rejected"`. */
  readonly description: string | undefined;
  /** The endpoint that answered or failed last. */
  readonly endpoint: string | undefined;
  /** Every failed attempt, in order. */
  readonly attempts: readonly AttemptFailure[];

  /** Creates an error; `init.code` says what kind. */
  constructor(message: string, init: AgoraErrorInit) {
    super(message, init.cause === undefined ? {} : { cause: init.cause });
    this.name = "AgoraError";
    this.code = init.code;
    this.service = init.service;
    this.description = init.description;
    this.endpoint = init.endpoint;
    this.attempts = Object.freeze([...(init.attempts ?? [])]);
  }
}
