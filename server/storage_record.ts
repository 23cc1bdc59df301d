/**
 * Record normalisation and hashing at the store's boundary.
 *
 * Every record is rebuilt field by field before it is written, so the stored
 * bytes, the digest and what readers get back depend only on the record's
 * meaning: unknown fields are dropped, data keys come in a fixed order and
 * strings are made well-formed (a lone UTF-16 surrogate cannot be stored as
 * UTF-8 and would otherwise be replaced silently and differently in
 * different places).
 *
 * @module
 */

import { murmur3x86128Utf16 } from "../shared/murmur3.ts";
import type { ChatRecord, RecordOp } from "../shared/record.ts";
import { StorageError } from "./storage_error.ts";

/** Longest string (UTF-16 code units) the store accepts in any field. */
export const FIELD_CHARS_MAX = 1_048_576;

const DATA_KEYS: { readonly [K in RecordOp]: readonly string[] } = {
  user: ["user"],
  login: ["user"],
  channel: ["channel"],
  subscribe: ["user", "channel"],
  publish: ["user", "channel", "message"],
  message: ["src", "dst", "message"],
};

/**
 * Validates `input` as a replication record and returns its canonical copy.
 *
 * @throws {StorageError} code `INVALID_RECORD`, saying which field is wrong.
 */
export function canonicalRecord(input: unknown): ChatRecord {
  if (!isObject(input)) throw invalid(input, "it is not an object");
  const { origin, seq, clock, timestamp, op, data } = input;
  const originText = text(origin, "origin", input);
  if (originText === "") throw invalid(input, "origin is empty");
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) {
    throw invalid(input, "seq must be a positive safe integer");
  }
  if (!Number.isSafeInteger(clock) || (clock as number) < 0) {
    throw invalid(input, "clock must be a non-negative safe integer");
  }
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    throw invalid(input, "timestamp must be a finite number");
  }
  if (typeof op !== "string" || !Object.hasOwn(DATA_KEYS, op)) {
    const name = typeof op === "string"
      ? JSON.stringify(op.slice(0, 40))
      : typeof op;
    throw invalid(input, `op ${name} is unknown`);
  }
  if (!isObject(data)) throw invalid(input, "data is not an object");
  const canonicalData: Record<string, string> = {};
  for (const key of DATA_KEYS[op as RecordOp]) {
    canonicalData[key] = text(data[key], `data.${key}`, input);
  }
  // A creator sent as nil by a MessagePack client means "not given".
  if (op === "channel" && data.user !== undefined && data.user !== null) {
    canonicalData.user = text(data.user, "data.user", input);
  }
  // The client's key for a post (extension), likewise optional.
  if (
    (op === "publish" || op === "message") &&
    data.request_id !== undefined && data.request_id !== null
  ) {
    canonicalData.request_id = text(data.request_id, "data.request_id", input);
  }
  return {
    origin: originText,
    seq: seq as number,
    clock: clock as number,
    // `+ 0` turns -0 into 0: JSON (the digest) prints both as "0", so the
    // value read back must be 0 too.
    timestamp: timestamp + 0,
    op,
    data: canonicalData,
  } as ChatRecord;
}

/** Hex digits of a digest (128 bits). */
export const DIGEST_HEX_DIGITS = 32;

/** The canonical JSON a record's hash covers. */
export function recordJson(record: ChatRecord, dataJson?: string): string {
  const head = JSON.stringify([
    record.origin,
    record.seq,
    record.clock,
    record.timestamp,
    record.op,
  ]);
  // `dataJson`, when given, must be `JSON.stringify(record.data)`: the store
  // has it already (the `data` column), and the array's JSON is its
  // elements' JSON joined by commas, so the text hashed is the same.
  return `${head.slice(0, -1)},${dataJson ?? JSON.stringify(record.data)}]`;
}

const scratch = new Uint32Array(4);

/**
 * The store's digest of a set of records: the sum modulo 2^128 of each
 * record's hash, MurmurHash3_x86_128 of its canonical JSON
 * ({@link recordJson}, as UTF-16LE bytes) read as the big-endian integer
 * h1‖h2‖h3‖h4. A sum does not depend on the order records arrived in, so
 * replicas holding the same set have the same digest.
 *
 * Mutable (it is added to once per stored record, the hot path of catch-up);
 * {@link RecordDigest.clone} before a change that may be rolled back.
 */
export class RecordDigest {
  /** Four 32-bit words, most significant first. */
  readonly #words: Uint32Array;

  private constructor(words: Uint32Array) {
    this.#words = words;
  }

  /** The digest of no records (zero). */
  static empty(): RecordDigest {
    return new RecordDigest(new Uint32Array(4));
  }

  /**
   * Reads {@link RecordDigest.hex}'s output back; `undefined` if `hex` is
   * not 32 hex digits.
   */
  static parse(hex: string): RecordDigest | undefined {
    if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
    const words = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      words[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
    }
    return new RecordDigest(words);
  }

  /** A copy that changes independently. */
  clone(): RecordDigest {
    return new RecordDigest(this.#words.slice());
  }

  /** Adds a canonical record (see {@link recordJson} for `dataJson`). */
  add(record: ChatRecord, dataJson?: string): void {
    const hash = murmur3x86128Utf16(recordJson(record, dataJson), 0, scratch);
    const words = this.#words;
    let carry = 0;
    for (let i = 3; i >= 0; i--) {
      const sum = words[i] + hash[i] + carry;
      words[i] = sum; // Uint32Array keeps the low 32 bits
      carry = sum > 0xffffffff ? 1 : 0;
    }
  }

  /** The digest as 32 lowercase hex digits. */
  hex(): string {
    let text = "";
    for (const word of this.#words) text += word.toString(16).padStart(8, "0");
    return text;
  }
}

/** `input` names the record in errors (described only then: it costs). */
function text(
  value: unknown,
  field: string,
  input: Record<string, unknown>,
): string {
  if (typeof value !== "string") {
    throw new StorageError(
      "INVALID_RECORD",
      `Cannot append record ${describe(input)}: ${field} must be a string`,
    );
  }
  if (value.length > FIELD_CHARS_MAX) {
    throw new StorageError(
      "INVALID_RECORD",
      `Cannot append record ${
        describe(input)
      }: ${field} is longer than ${FIELD_CHARS_MAX} characters`,
    );
  }
  return value.toWellFormed();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(input: Record<string, unknown>): string {
  // Only primitives are printed: a hostile object could throw from toString.
  const origin = typeof input.origin === "string"
    ? input.origin.slice(0, 80)
    : typeof input.origin;
  const seq = typeof input.seq === "number"
    ? String(input.seq)
    : typeof input.seq;
  return JSON.stringify(`${origin}:${seq}`);
}

function invalid(input: unknown, why: string): StorageError {
  const where = isObject(input) ? describe(input) : "(not an object)";
  return new StorageError(
    "INVALID_RECORD",
    `Cannot append record ${where}: ${why}`,
  );
}
