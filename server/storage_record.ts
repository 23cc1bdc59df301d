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

import { createHash } from "node:crypto";
import type { ChatRecord, RecordOp } from "../shared/record.ts";
import { StorageError } from "./storage_error.ts";

/** Longest string (UTF-16 code units) the store accepts in any field. */
export const FIELD_CHARS_MAX = 1_048_576;

const MODULUS = 1n << 256n;

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

/**
 * The SHA-256 of a canonical record's canonical JSON, as a 256-bit integer.
 * The store's digest is the sum of these modulo 2^256.
 *
 * `dataJson`, when given, must be `JSON.stringify(record.data)`: the store
 * has it already (the `data` column), and the array's JSON is its
 * elements' JSON joined by commas, so the bytes hashed are the same.
 */
export function recordHash(record: ChatRecord, dataJson?: string): bigint {
  const head = JSON.stringify([
    record.origin,
    record.seq,
    record.clock,
    record.timestamp,
    record.op,
  ]);
  const json = `${head.slice(0, -1)},${
    dataJson ?? JSON.stringify(record.data)
  }]`;
  return BigInt("0x" + createHash("sha256").update(json).digest("hex"));
}

/** Adds a record hash to a digest, modulo 2^256. */
export function addHash(digest: bigint, hash: bigint): bigint {
  return (digest + hash) % MODULUS;
}

/** Formats a digest as 64 lowercase hex digits. */
export function digestHex(digest: bigint): string {
  return digest.toString(16).padStart(64, "0");
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
