/**
 * One stamped request/reply exchange with one peer: tick the Lamport clock,
 * stamp and encode, exchange, merge the reply's clock, parse.
 *
 * @module
 */

import type { LamportClock } from "@agora/shared/lamport";
import {
  decodeEnvelope,
  encodeRequest,
  floatSeconds,
  parseReply,
  type ReceivedReply,
  type RequestInput,
  type RequestService,
  type WireMap,
} from "@agora/shared/protocol";
import { AgoraError } from "./errors.ts";
import type { RequestSockets } from "./request_sockets.ts";

/** A peer's answer to a request: its own reply or an `error` reply. */
export interface Answer<S extends RequestService> {
  /** Endpoint of the peer that answered. */
  endpoint: string;
  /** The parsed reply: service `S`, or `"error"` for a refused request. */
  reply: ReceivedReply<S> | ReceivedReply<"error">;
  /** The reply's `data` map as decoded, with any extension fields (e.g. `id`). */
  raw: WireMap;
}

/** What {@linkcode callOnce} needs from its owner. */
export interface CallContext {
  /** The sockets to use. */
  sockets: RequestSockets;
  /** The Lamport clock: ticked before the send, merged with the reply. */
  clock: LamportClock;
  /** Wall clock, ms since the epoch (the stamp's `timestamp` is this / 1000). */
  nowMs: () => number;
}

/**
 * Sends one request to `endpoint` and parses the reply. Rejects with an
 * `ExchangeFailure` when no reply came (timeout or socket error), or an
 * {@linkcode AgoraError} `"invalid_reply"` / `"closed"` / `"busy"`.
 * An `error` reply resolves: the caller decides what it means.
 */
export async function callOnce<S extends RequestService>(
  context: CallContext,
  endpoint: string,
  service: S,
  data: RequestInput<S>,
  timeoutMs: number,
): Promise<Answer<S>> {
  const frame = encodeRequest(service, data, {
    timestamp: floatSeconds(context.nowMs() / 1000),
    clock: context.clock.tick(),
  });
  const frames = await context.sockets.exchange(endpoint, frame, timeoutMs);
  const envelope = decodeEnvelope(frames[0]);
  // Replies are not signed: a clock far ahead advances ours only so far.
  if (envelope.ok) context.clock.receiveUntrusted(envelope.value.data.clock);
  if (frames.length !== 1) {
    throw new AgoraError(
      `The reply from "${endpoint}" to "${service}" has ${frames.length} frames instead of 1.`,
      { code: "invalid_reply", service, endpoint },
    );
  }
  const parsed = parseReply(frames[0], service);
  if (!parsed.ok || !envelope.ok) {
    const why = parsed.ok ? "unreadable" : parsed.description;
    throw new AgoraError(
      `The reply from "${endpoint}" to "${service}" is invalid: ${why}`,
      { code: "invalid_reply", service, endpoint },
    );
  }
  return { endpoint, reply: parsed.value, raw: envelope.value.data };
}

/**
 * The reason of a refused request: the reply's `description` for an
 * `error` reply or a `status: "erro"` reply, else `undefined`.
 */
export function refusal<S extends RequestService>(
  answer: Answer<S>,
): string | undefined {
  const data = answer.reply.data as { status?: unknown; description?: unknown };
  if (answer.reply.service === "error" || data.status === "erro") {
    return typeof data.description === "string" && data.description.length > 0
      ? data.description
      : "The server reported an error without a description.";
  }
  return undefined;
}
