/**
 * The agora wire protocol: envelope codec, typed requests, replies and
 * publications, validation, names and message ids.
 *
 * Everything here is pure (no I/O, no clock): timestamps and Lamport clocks
 * are passed in as a {@link Stamp}.
 *
 * @example
 * ```ts
 * import { encodeReply, failureReply, parseServerRequest } from "@agora/shared/protocol";
 *
 * function handle(frame: Uint8Array, stamp: { timestamp: number; clock: number }): Uint8Array {
 *   const parsed = parseServerRequest(frame);
 *   if (!parsed.ok) return encodeReply(parsed.reply, stamp);
 *   switch (parsed.request.service) {
 *     case "login":
 *       return encodeReply({ service: "login", data: { status: "sucesso" } }, stamp);
 *     default:
 *       return encodeReply(failureReply("login", "Not implemented here."), stamp);
 *   }
 * }
 * ```
 *
 * @module
 */

export * from "./envelope.ts";
export * from "./limits.ts";
export * from "./message_id.ts";
export * from "./messages.ts";
export * from "./msgpack_check.ts";
export * from "./names.ts";
export * from "./parse_reply.ts";
export * from "./publications.ts";
export * from "./records.ts";
export * from "./replies.ts";
export * from "./requests.ts";
export * from "./types.ts";
export * from "./utf8.ts";
