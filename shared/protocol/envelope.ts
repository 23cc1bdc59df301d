/**
 * The envelope codec: one MessagePack frame `{ service, data }` per request
 * or reply, and two frames `[topic, payload]` per publication.
 *
 * Decoding never throws: any bytes give either a value or a sentence saying
 * what is wrong with them.
 *
 * @module
 */

import { Decoder, Encoder } from "@msgpack/msgpack";
import { MAX_FRAME_BYTES, MAX_NESTING_DEPTH } from "./limits.ts";
import { checkMsgpack } from "./msgpack_check.ts";
import { MAX_NAME_BYTES, validateName } from "./names.ts";

/** A decoded MessagePack map (string keys, own properties only matter). */
export type WireMap = Record<string, unknown>;

/** A decoded `{ service, data }` frame, before per-service validation. */
export interface Envelope {
  /** The `service` string. */
  service: string;
  /** The `data` map (an empty map when the frame had none). */
  data: WireMap;
}

/** What decoding produced: a value, or why there is none. */
export type Decoded<T> =
  | { ok: true; value: T }
  | { ok: false; description: string };

// One encoder and one decoder for the process: both are reentrant-safe
// (they clone themselves if called while busy) and reuse their buffers.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder({
  // Belt and braces: checkMsgpack already refuses these.
  useBigInt64: false,
  maxStrLength: MAX_FRAME_BYTES,
  maxBinLength: MAX_FRAME_BYTES,
  maxArrayLength: MAX_FRAME_BYTES,
  maxMapLength: MAX_FRAME_BYTES,
  maxExtLength: 0,
});
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes any value as MessagePack. `undefined` properties are left out.
 *
 * @throws {Error} only for values MessagePack cannot hold (a programming
 * error: functions, bigints, symbols, or nesting deeper than 100)
 */
export function encodeValue(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/**
 * `seconds` as a number MessagePack encodes as a float, as the protocol
 * says a `timestamp` is: an integral value (a millisecond clock lands on a
 * whole second once in a thousand readings) would be written as an
 * integer, so it moves by 2^-22 s (0.24 µs, below any clock's precision).
 * Apply it where a timestamp is made, before anything (a MAC) covers it.
 *
 * @example
 * ```ts
 * import { floatSeconds } from "@agora/shared/protocol";
 * floatSeconds(1790000000); // 1790000000.0000002
 * floatSeconds(1790000000.5); // 1790000000.5
 * ```
 */
export function floatSeconds(seconds: number): number {
  return Number.isInteger(seconds) && Math.abs(seconds) < 2 ** 52
    ? seconds + 2 ** -22
    : seconds;
}

/**
 * Decodes one MessagePack value from `bytes`, after {@link checkMsgpack}
 * accepted them and their size is at most `maxBytes`. Never throws.
 *
 * @example
 * ```ts
 * import { decodeValue, encodeValue } from "@agora/shared/protocol";
 * decodeValue(encodeValue({ a: 1 })); // { ok: true, value: { a: 1 } }
 * ```
 */
export function decodeValue(
  bytes: unknown,
  maxBytes: number = MAX_FRAME_BYTES,
): Decoded<unknown> {
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, description: "The frame must be bytes." };
  }
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      description:
        `The frame is too large (${bytes.length} bytes; the limit is ${maxBytes}).`,
    };
  }
  const problem = checkMsgpack(bytes, MAX_NESTING_DEPTH);
  if (problem !== undefined) return { ok: false, description: problem };
  try {
    return { ok: true, value: decoder.decode(bytes) };
  } catch (error) {
    // checkMsgpack is meant to make this unreachable; stay total anyway.
    return {
      ok: false,
      description: `The frame is not valid MessagePack: ${_message(error)}.`,
    };
  }
}

/**
 * Whether `value` is a decoded MessagePack map (a plain object, not an
 * array, byte string or null).
 */
export function isWireMap(value: unknown): value is WireMap {
  return typeof value === "object" && value !== null &&
    !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Decodes a `{ service, data }` frame. A missing or nil `data` is read as an
 * empty map (some course clients send none for `users`); other top-level
 * keys are ignored. Never throws.
 *
 * @param bytes the frame
 * @param maxBytes size limit; larger frames are refused before decoding
 *
 * @example
 * ```ts
 * import { decodeEnvelope, encodeEnvelope } from "@agora/shared/protocol";
 * const frame = encodeEnvelope({ service: "users", data: {} });
 * decodeEnvelope(frame); // { ok: true, value: { service: "users", data: {} } }
 * ```
 */
export function decodeEnvelope(
  bytes: unknown,
  maxBytes: number = MAX_FRAME_BYTES,
): Decoded<Envelope> {
  const decoded = decodeValue(bytes, maxBytes);
  if (!decoded.ok) return decoded;
  const root = decoded.value;
  if (!isWireMap(root)) {
    return {
      ok: false,
      description:
        'The frame must be a MessagePack map with "service" and "data".',
    };
  }
  const service = Object.hasOwn(root, "service") ? root.service : undefined;
  if (typeof service !== "string" || service.length === 0) {
    return {
      ok: false,
      description: 'The field "service" must be a non-empty string.',
    };
  }
  const data = Object.hasOwn(root, "data") ? root.data : undefined;
  if (data === undefined || data === null) {
    return { ok: true, value: { service, data: {} } };
  }
  if (!isWireMap(data)) {
    return { ok: false, description: 'The field "data" must be a map.' };
  }
  return { ok: true, value: { service, data } };
}

/**
 * Encodes a `{ service, data }` frame.
 *
 * @example
 * ```ts
 * import { encodeEnvelope } from "@agora/shared/protocol";
 * const frame = encodeEnvelope({ service: "users", data: { timestamp: 1, clock: 1 } });
 * ```
 */
export function encodeEnvelope(envelope: Envelope | object): Uint8Array {
  return encoder.encode(envelope);
}

/**
 * Encodes a publication as its two frames `[topic, payload]`.
 *
 * @example
 * ```ts
 * import { encodePublicationFrames } from "@agora/shared/protocol";
 * const [topic, payload] = encodePublicationFrames("geral", { message: "oi" });
 * ```
 */
export function encodePublicationFrames(
  topic: string,
  payload: object,
): [Uint8Array, Uint8Array] {
  return [textEncoder.encode(topic), encoder.encode(payload)];
}

/**
 * Decodes a publication topic frame: well-formed UTF-8 obeying the Names
 * rules. Never throws.
 */
export function decodeTopic(bytes: unknown): Decoded<string> {
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, description: "The topic frame must be bytes." };
  }
  if (bytes.length > MAX_NAME_BYTES) {
    return {
      ok: false,
      description: `The topic must be at most ${MAX_NAME_BYTES} bytes.`,
    };
  }
  let topic: string;
  try {
    topic = textDecoder.decode(bytes);
  } catch {
    return { ok: false, description: "The topic must be valid UTF-8." };
  }
  const problem = validateName(topic, "topic");
  return problem === undefined
    ? { ok: true, value: topic }
    : { ok: false, description: problem };
}

function _message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\.$/, "");
}
