/**
 * User, channel and server names (protocol "Names").
 *
 * A name is a non-empty UTF-8 string of at most {@link MAX_NAME_BYTES} bytes
 * with no control characters and no leading or trailing whitespace. Users
 * and channels share one topic namespace, and the topics in
 * {@link RESERVED_TOPICS} belong to the cluster.
 *
 * @module
 */

import { exceedsUtf8Bytes, utf8ByteLength } from "./utf8.ts";

/** Longest name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 64;

/** Topics the cluster uses itself; no user or channel may take them. */
export const RESERVED_TOPICS: readonly string[] = Object.freeze([
  "servers",
  "replication",
]);

// \s covers the Unicode white space a user could not see at either end.
const EDGE_WHITESPACE = /^\s|\s$/;

/**
 * Checks `value` against the Names rules (syntax only; see
 * {@link isReservedTopic} for the reserved topics).
 *
 * @param value what arrived on the wire, of any type
 * @param field the field name used in the description, e.g. `"user"`
 * @returns `undefined` when valid, otherwise a sentence saying why not
 *
 * @example
 * ```ts
 * import { validateName } from "@agora/shared/protocol";
 * validateName("ana", "user"); // undefined
 * validateName(" ana", "user"); // 'The field "user" must not start or end with whitespace.'
 * ```
 */
export function validateName(
  value: unknown,
  field: string,
): string | undefined {
  if (typeof value !== "string") {
    return `The field "${field}" must be a string.`;
  }
  if (value.length === 0) return `The field "${field}" must not be empty.`;
  // UTF-16 length bounds UTF-8 length from below; skip obviously long names
  // before walking them.
  if (value.length > MAX_NAME_BYTES) return _tooLong(field, value);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) {
      return `The field "${field}" must not contain control characters.`;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      // Only a well-formed surrogate pair is a character; a lone half cannot
      // be written as UTF-8.
      const next = value.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return `The field "${field}" must be valid Unicode text.`;
      }
      i++;
    }
  }
  if (exceedsUtf8Bytes(value, MAX_NAME_BYTES)) return _tooLong(field, value);
  if (EDGE_WHITESPACE.test(value)) {
    return `The field "${field}" must not start or end with whitespace.`;
  }
  return undefined;
}

/**
 * Whether `name` is one of the {@link RESERVED_TOPICS}.
 *
 * @example
 * ```ts
 * import { isReservedTopic } from "@agora/shared/protocol";
 * isReservedTopic("servers"); // true
 * ```
 */
export function isReservedTopic(name: string): boolean {
  return name === "servers" || name === "replication";
}

/**
 * Checks a name that is about to be created (a new user or channel): the
 * Names rules plus the reserved topics.
 *
 * @returns `undefined` when valid, otherwise a sentence saying why not
 *
 * @example
 * ```ts
 * import { validateNewName } from "@agora/shared/protocol";
 * validateNewName("servers", "channel"); // 'The name "servers" is reserved.'
 * ```
 */
export function validateNewName(
  value: unknown,
  field: string,
): string | undefined {
  const problem = validateName(value, field);
  if (problem !== undefined) return problem;
  if (isReservedTopic(value as string)) {
    return `The name "${value}" is reserved.`;
  }
  return undefined;
}

function _tooLong(field: string, value: string): string {
  return `The field "${field}" must be at most ${MAX_NAME_BYTES} bytes of UTF-8 (got ${
    utf8ByteLength(value)
  }).`;
}
