/**
 * The one error type a `Cluster` implementation rejects with.
 *
 * @module
 */

/**
 * Why a cluster operation failed:
 * - `"rejected"`: a server answered and refused (bad name, unknown channel,
 *   name taken…); the message is the server's `description`.
 * - `"unavailable"`: no server (or not the reference) answered in time.
 */
export type ClusterErrorCode = "rejected" | "unavailable";

/**
 * A failed cluster operation, with a message fit to show to the person.
 *
 * @example
 * ```ts
 * import { ClusterError } from "./cluster_error.ts";
 * const error = new ClusterError("rejected", 'Channel "general" already exists');
 * console.log(error.code); // "rejected"
 * ```
 */
export class ClusterError extends Error {
  /** Why it failed. */
  readonly code: ClusterErrorCode;

  /** Creates an error with `code` and a sentence-case `message`. */
  constructor(code: ClusterErrorCode, message: string) {
    super(message);
    this.name = "ClusterError";
    this.code = code;
  }
}
