/**
 * Server-side checks of what browsers send, so that a bad request gets a
 * clear JSON error before it reaches the cluster. The name rules are the
 * protocol's ("Names" in the protocol spec).
 *
 * @module
 */

/** Longest user or channel name, in UTF-8 bytes (protocol). */
export const NAME_BYTES_MAX = 64;

/**
 * Longest message the UI accepts, in UTF-8 bytes. The protocol leaves the
 * bound to the servers; this keeps browser input well inside any sane one
 * and bounds what a session can queue.
 */
export const MESSAGE_BYTES_MAX = 4096;

/** Topics that are neither user nor channel names (protocol). */
export const RESERVED_TOPICS: readonly string[] = ["servers", "replication"];

/** Longest message id accepted as a `before` cursor, in characters. */
export const MESSAGE_ID_CHARS_MAX = 200;

const encoder = new TextEncoder();

/** A check either passes with the cleaned value or fails with a reason. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Checks a user or channel name against the protocol's rules: a non-empty
 * string of at most 64 UTF-8 bytes, no control characters, no leading or
 * trailing whitespace, not a reserved topic.
 *
 * @param value What the browser sent.
 * @param what `"User name"` or `"Channel name"`, used in the error.
 *
 * @example
 * ```ts
 * import { checkName } from "./validation.ts";
 * checkName("ana", "User name"); // { ok: true, value: "ana" }
 * checkName(" ana", "User name"); // { ok: false, error: "User name must not start or end with whitespace" }
 * ```
 */
export function checkName(value: unknown, what: string): Checked<string> {
  if (typeof value !== "string") {
    return { ok: false, error: `${what} must be a string` };
  }
  if (value.length === 0) return { ok: false, error: `${what} is empty` };
  if (encoder.encode(value).length > NAME_BYTES_MAX) {
    return {
      ok: false,
      error: `${what} is longer than ${NAME_BYTES_MAX} bytes`,
    };
  }
  if (/\p{Cc}/u.test(value)) {
    return { ok: false, error: `${what} contains control characters` };
  }
  if (value.trim() !== value) {
    return {
      ok: false,
      error: `${what} must not start or end with whitespace`,
    };
  }
  if (RESERVED_TOPICS.includes(value)) {
    return { ok: false, error: `${what} "${value}" is reserved` };
  }
  return { ok: true, value };
}

/**
 * Checks a message text: a string with something other than whitespace, at
 * most {@linkcode MESSAGE_BYTES_MAX} UTF-8 bytes. The text is kept as typed.
 */
export function checkMessage(value: unknown): Checked<string> {
  if (typeof value !== "string") {
    return { ok: false, error: "Message must be a string" };
  }
  if (value.trim().length === 0) {
    return { ok: false, error: "Message is empty" };
  }
  if (encoder.encode(value).length > MESSAGE_BYTES_MAX) {
    return {
      ok: false,
      error: `Message is longer than ${MESSAGE_BYTES_MAX} bytes`,
    };
  }
  return { ok: true, value };
}

/**
 * Checks the `limit` query parameter of a history request: absent gives
 * `fallback`, otherwise an integer from 1 to `max`.
 */
export function checkLimit(
  value: string | undefined,
  fallback: number,
  max: number,
): Checked<number> {
  if (value === undefined || value === "") return { ok: true, value: fallback };
  if (!/^[0-9]{1,7}$/.test(value)) {
    return { ok: false, error: `Limit "${value}" is not a whole number` };
  }
  const limit = Number(value);
  if (limit < 1 || limit > max) {
    return { ok: false, error: `Limit must be between 1 and ${max}` };
  }
  return { ok: true, value: limit };
}

/**
 * Checks the `before` cursor of a history request: absent gives
 * `undefined`, otherwise a non-empty id without control characters.
 */
export function checkBefore(
  value: string | undefined,
): Checked<string | undefined> {
  if (value === undefined || value === "") {
    return { ok: true, value: undefined };
  }
  if (value.length > MESSAGE_ID_CHARS_MAX || /\p{Cc}/u.test(value)) {
    return { ok: false, error: "Cursor 'before' is not a message id" };
  }
  return { ok: true, value };
}
