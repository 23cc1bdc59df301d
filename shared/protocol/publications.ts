/**
 * Publications through the proxy: two frames `[topic, payload]`.
 *
 * | topic | payload |
 * |---|---|
 * | `<channel>` | a {@link ChannelMessage} |
 * | `<user>` | a {@link PrivateMessage} (topic = `dst`) |
 * | `servers` | `{ service: "election", data: { coordinator, timestamp, clock } }` |
 * | `replication` | `{ service: "replicate", data: { records, timestamp, clock, auth } }` |
 *
 * @module
 */

import type { ChatRecord } from "../record.ts";
import type { Decoded } from "./envelope.ts";
import {
  decodeEnvelope,
  decodeTopic,
  decodeValue,
  encodePublicationFrames,
} from "./envelope.ts";
import { FieldReader } from "./fields.ts";
import { MAX_FRAME_BYTES } from "./limits.ts";
import { parseChannelMessage, parsePrivateMessage } from "./messages.ts";
import { parseChatRecord } from "./records.ts";
import type {
  ChannelMessage,
  PrivateMessage,
  Publication,
  Stamp,
} from "./types.ts";

/**
 * Frames for a channel message, on topic `message.channel`.
 *
 * @example
 * ```ts
 * import { encodeChannelPublication } from "@agora/shared/protocol";
 * const frames = encodeChannelPublication({ id: "s:1", user: "ana",
 *   channel: "geral", message: "oi", timestamp: 1764190000.1, clock: 5,
 *   server: "s" });
 * ```
 */
export function encodeChannelPublication(
  message: ChannelMessage,
): [Uint8Array, Uint8Array] {
  return encodePublicationFrames(message.channel, message);
}

/** Frames for a private message, on topic `message.dst`. */
export function encodePrivatePublication(
  message: PrivateMessage,
): [Uint8Array, Uint8Array] {
  return encodePublicationFrames(message.dst, message);
}

/** Frames announcing `coordinator` as the winner, on topic `servers`. */
export function encodeElectionPublication(
  coordinator: string,
  stamp: Stamp,
  rank?: number,
): [Uint8Array, Uint8Array] {
  const data: Record<string, unknown> = {
    coordinator,
    timestamp: stamp.timestamp,
    clock: stamp.clock,
  };
  // `rank` is an extension: it spares receivers a lookup in the reference list.
  if (rank !== undefined) data.rank = rank;
  return encodePublicationFrames("servers", { service: "election", data });
}

/**
 * Frames carrying replication records, on topic `replication`. `auth` is the
 * HMAC the receivers check (computed by the caller).
 */
export function encodeReplicationPublication(
  records: readonly ChatRecord[],
  auth: string | undefined,
  stamp: Stamp,
): [Uint8Array, Uint8Array] {
  return encodePublicationFrames("replication", {
    service: "replicate",
    data: { records, timestamp: stamp.timestamp, clock: stamp.clock, auth },
  });
}

/**
 * Parses a received publication. The topic frame must be a valid name; the
 * payload is read by topic: `servers` and `replication` as above, any
 * other topic as a channel message (payload has `channel` equal to the
 * topic) or a private message (payload has `dst` equal to the topic).
 * Never throws.
 *
 * @param frames the frames as received (exactly two)
 * @param maxBytes payloads larger than this are refused undecoded
 *
 * @example
 * ```ts
 * import { encodeElectionPublication, parsePublication } from "@agora/shared/protocol";
 * const frames = encodeElectionPublication("server_1", { timestamp: 1.5, clock: 2 });
 * const parsed = parsePublication(frames);
 * if (parsed.ok && parsed.value.kind === "election") {
 *   parsed.value.coordinator; // "server_1"
 * }
 * ```
 */
export function parsePublication(
  frames: readonly unknown[],
  maxBytes: number = MAX_FRAME_BYTES,
): Decoded<Publication> {
  if (!Array.isArray(frames) || frames.length !== 2) {
    return {
      ok: false,
      description:
        "A publication must have exactly two frames: topic and payload.",
    };
  }
  const topic = decodeTopic(frames[0]);
  if (!topic.ok) return topic;
  switch (topic.value) {
    case "servers":
      return _election(frames[1], maxBytes);
    case "replication":
      return _replication(frames[1], maxBytes);
    default:
      return _chat(topic.value, frames[1], maxBytes);
  }
}

function _election(payload: unknown, maxBytes: number): Decoded<Publication> {
  const envelope = decodeEnvelope(payload, maxBytes);
  if (!envelope.ok) return envelope;
  if (envelope.value.service !== "election") {
    return {
      ok: false,
      description: 'Publications on "servers" must have service "election".',
    };
  }
  const r = new FieldReader(envelope.value.data);
  const publication: Publication = {
    kind: "election",
    topic: "servers",
    coordinator: r.name("coordinator"),
  };
  const rank = r.optionalInteger("rank", 0);
  if (rank !== undefined) publication.rank = rank;
  const auth = r.optionalToken("auth");
  if (auth !== undefined) publication.auth = auth;
  _stamp(r, publication);
  return r.error === undefined
    ? { ok: true, value: publication }
    : { ok: false, description: r.error };
}

function _replication(
  payload: unknown,
  maxBytes: number,
): Decoded<Publication> {
  const envelope = decodeEnvelope(payload, maxBytes);
  if (!envelope.ok) return envelope;
  if (envelope.value.service !== "replicate") {
    return {
      ok: false,
      description:
        'Publications on "replication" must have service "replicate".',
    };
  }
  const r = new FieldReader(envelope.value.data);
  const records = r.list("records", (item, index) => {
    const record = parseChatRecord(item);
    if (record.ok) return record.value;
    r.fail(`Element ${index} of "records": ${record.description}`);
    return undefined as unknown as ChatRecord;
  });
  const publication: Publication = {
    kind: "replication",
    topic: "replication",
    records,
  };
  const auth = r.optionalToken("auth");
  if (auth !== undefined) publication.auth = auth;
  _stamp(r, publication);
  return r.error === undefined
    ? { ok: true, value: publication }
    : { ok: false, description: r.error };
}

function _chat(
  topic: string,
  payload: unknown,
  maxBytes: number,
): Decoded<Publication> {
  const decoded = decodeValue(payload, maxBytes);
  if (!decoded.ok) return decoded;
  const value = decoded.value;
  const isChannel = typeof value === "object" && value !== null &&
    Object.hasOwn(value, "channel");
  if (isChannel) {
    const message = parseChannelMessage(value);
    if (!message.ok) return message;
    if (message.value.channel !== topic) {
      return {
        ok: false,
        description: 'The field "channel" must equal the topic.',
      };
    }
    return {
      ok: true,
      value: { kind: "channel", topic, message: message.value },
    };
  }
  const message = parsePrivateMessage(value);
  if (!message.ok) return message;
  if (message.value.dst !== topic) {
    return { ok: false, description: 'The field "dst" must equal the topic.' };
  }
  return {
    ok: true,
    value: { kind: "private", topic, message: message.value },
  };
}

function _stamp(
  r: FieldReader,
  target: { timestamp?: number; clock?: number },
): void {
  const timestamp = r.timestamp();
  const clock = r.clock();
  if (timestamp !== undefined) target.timestamp = timestamp;
  if (clock !== undefined) target.clock = clock;
}
