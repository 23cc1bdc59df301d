/**
 * Validation of stored chat messages as they travel: publication payloads
 * and the elements of `history` / `private_history` replies.
 *
 * @module
 */

import type { Decoded } from "./envelope.ts";
import { isWireMap } from "./envelope.ts";
import { FieldReader } from "./fields.ts";
import type { ChannelMessage, PrivateMessage } from "./types.ts";

/**
 * Validates a channel message payload
 * `{ id, user, channel, message, timestamp, clock, server }`. Never throws.
 *
 * @example
 * ```ts
 * import { parseChannelMessage } from "@agora/shared/protocol";
 * parseChannelMessage({ id: "s:1", user: "ana", channel: "geral",
 *   message: "oi", timestamp: 1.5, clock: 3, server: "s" }).ok; // true
 * ```
 */
export function parseChannelMessage(value: unknown): Decoded<ChannelMessage> {
  if (!isWireMap(value)) {
    return { ok: false, description: "A channel message must be a map." };
  }
  const r = new FieldReader(value);
  const message: ChannelMessage = {
    id: _id(r),
    user: r.name("user"),
    channel: r.name("channel"),
    message: r.text("message"),
    timestamp: r.seconds("timestamp"),
    clock: r.integer("clock", 0),
    server: r.name("server"),
  };
  return r.error === undefined
    ? { ok: true, value: message }
    : { ok: false, description: r.error };
}

/**
 * Validates a private message payload
 * `{ id, src, dst, user, message, timestamp, clock, server }`. A missing
 * `user` is filled with `src`; a `user` different from `src` is an error.
 * Never throws.
 */
export function parsePrivateMessage(value: unknown): Decoded<PrivateMessage> {
  if (!isWireMap(value)) {
    return { ok: false, description: "A private message must be a map." };
  }
  const r = new FieldReader(value);
  const src = r.name("src");
  const user = r.optionalName("user") ?? src;
  if (user !== src) r.fail('The field "user" must equal "src".');
  const message: PrivateMessage = {
    id: _id(r),
    src,
    dst: r.name("dst"),
    user,
    message: r.text("message"),
    timestamp: r.seconds("timestamp"),
    clock: r.integer("clock", 0),
    server: r.name("server"),
  };
  return r.error === undefined
    ? { ok: true, value: message }
    : { ok: false, description: r.error };
}

function _id(r: FieldReader): string {
  const id = r.optionalMessageId("id");
  if (id === undefined) {
    if (r.get("id") === undefined) r.fail('The field "id" is missing.');
    return "";
  }
  return id;
}
