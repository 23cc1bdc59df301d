/**
 * Reply building: handlers return unstamped replies; the loop that sends
 * them ticks the Lamport clock and stamps them here.
 *
 * @module
 */

import { encodeEnvelope } from "./envelope.ts";
import type { Reply, ReplyService, Stamp, StampedReply } from "./types.ts";

/** Services whose reply has an error form of its own (besides `error`). */
export type FailableService =
  | "login"
  | "channel"
  | "subscribe"
  | "publish"
  | "message"
  | "history"
  | "private_history"
  | "clock_adjust";

/**
 * The `error` reply for an unknown service or a malformed request. When the
 * request was a `publish` or `message`, `message` repeats the description,
 * because clients of that service read the reason there.
 *
 * @param description why, as a sentence
 * @param requestService the request's `service`, when known
 *
 * @example
 * ```ts
 * import { errorReply } from "@agora/shared/protocol";
 * errorReply('Unknown service "foo".');
 * // { service: "error", data: { status: "erro", description: 'Unknown service "foo".' } }
 * ```
 */
export function errorReply(
  description: string,
  requestService?: string,
): Reply<"error"> {
  return requestService === "publish" || requestService === "message"
    ? {
      service: "error",
      data: { status: "erro", description, message: description },
    }
    : { service: "error", data: { status: "erro", description } };
}

/**
 * The error form of a service's own reply, for a well-formed request that
 * cannot be done (unknown channel, name taken, …).
 *
 * @example
 * ```ts
 * import { failureReply } from "@agora/shared/protocol";
 * failureReply("publish", 'The channel "x" does not exist.');
 * // { service: "publish", data: { status: "erro", message: "…", description: "…" } }
 * ```
 */
export function failureReply<S extends FailableService>(
  service: S,
  description: string,
): Reply<S> {
  const s: FailableService = service;
  switch (s) {
    case "publish":
    case "message":
      return {
        service,
        data: { status: "erro", message: description, description },
      } as Reply<S>;
    case "login":
    case "channel":
    case "subscribe":
    case "history":
    case "private_history":
    case "clock_adjust":
      return { service, data: { status: "erro", description } } as Reply<S>;
    default: {
      const unreachable: never = s;
      throw new Error(`Unhandled service "${unreachable}".`);
    }
  }
}

/**
 * Adds the sender's stamp to a reply (a new object; `reply` is untouched).
 *
 * @example
 * ```ts
 * import { stampReply } from "@agora/shared/protocol";
 * stampReply({ service: "users", data: { users: ["ana"] } },
 *   { timestamp: 1764190000.5, clock: 9 });
 * ```
 */
export function stampReply<S extends ReplyService>(
  reply: Reply<S>,
  stamp: Stamp,
): StampedReply<S> {
  return {
    service: reply.service,
    data: { ...reply.data, timestamp: stamp.timestamp, clock: stamp.clock },
  } as StampedReply<S>;
}

/**
 * Stamps and encodes a reply frame.
 *
 * @example
 * ```ts
 * import { encodeReply } from "@agora/shared/protocol";
 * const frame = encodeReply({ service: "login", data: { status: "sucesso" } },
 *   { timestamp: Date.now() / 1000, clock: 3 });
 * ```
 */
export function encodeReply<S extends ReplyService>(
  reply: Reply<S>,
  stamp: Stamp,
): Uint8Array {
  return encodeEnvelope(stampReply(reply, stamp));
}
