/**
 * Message ids: `${server}:${seq}`, the origin server's name and its
 * sequence number (the id of the replication record that created the
 * message). Server names may contain `:`, so the id splits at the last one.
 *
 * @module
 */

import { validateName } from "./names.ts";

/** A message id taken apart. */
export interface MessageIdParts {
  /** Origin server's name. */
  server: string;
  /** Origin's sequence number, ≥ 1. */
  seq: number;
}

const SEQ_DIGITS = /^[1-9][0-9]{0,15}$/;

/**
 * Builds a message id.
 *
 * @example
 * ```ts
 * import { messageId } from "@agora/shared/protocol";
 * messageId("server_1", 42); // "server_1:42"
 * ```
 */
export function messageId(server: string, seq: number): string {
  return `${server}:${seq}`;
}

/**
 * Parses a message id: a valid server name, `:`, then a sequence number
 * ≥ 1 in canonical decimal (no sign, no leading zeros, at most 2^53 − 1).
 *
 * @returns the parts, or `undefined` if `id` is not a message id
 *
 * @example
 * ```ts
 * import { parseMessageId } from "@agora/shared/protocol";
 * parseMessageId("server_1:42"); // { server: "server_1", seq: 42 }
 * parseMessageId("server_1:042"); // undefined
 * ```
 */
export function parseMessageId(id: unknown): MessageIdParts | undefined {
  if (typeof id !== "string") return undefined;
  const colon = id.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const digits = id.slice(colon + 1);
  if (!SEQ_DIGITS.test(digits)) return undefined;
  const seq = Number(digits);
  if (!Number.isSafeInteger(seq)) return undefined;
  const server = id.slice(0, colon);
  if (validateName(server, "server") !== undefined) return undefined;
  return { server, seq };
}
