/**
 * The one error type the store throws for expected failures.
 *
 * @module
 */

/** Why a store operation failed. */
export type StorageErrorCode =
  /** A record given to `append` is malformed; nothing was written. */
  | "INVALID_RECORD"
  /** An argument (limit, meta key, clock, …) is out of range. */
  | "INVALID_ARGUMENT"
  /** A history `before` id is malformed or names no stored record. */
  | "UNKNOWN_ID"
  /** Another process (or another `Store`) holds the data directory. */
  | "LOCKED"
  /** The store was closed. */
  | "CLOSED"
  /** The database has a schema version this code does not know. */
  | "SCHEMA"
  /** The tables disagree with each other (the batch was rolled back). */
  | "CORRUPT";

/**
 * An expected store failure; `code` says which kind. SQLite I/O errors
 * (disk full, …) are thrown as they come, after the transaction was rolled
 * back.
 *
 * @example
 * ```ts
 * import { StorageError } from "./storage_error.ts";
 * const error = new StorageError("CLOSED", "Cannot read users: the store is closed");
 * console.log(error.code); // "CLOSED"
 * ```
 */
export class StorageError extends Error {
  /** Which kind of failure. */
  readonly code: StorageErrorCode;

  /** Creates an error with a code and a sentence-case message. */
  constructor(code: StorageErrorCode, message: string) {
    super(message);
    this.name = "StorageError";
    this.code = code;
  }
}
