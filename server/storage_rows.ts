/**
 * Turning SQLite rows into the store's return shapes.
 *
 * Text columns that hold names are read as `CAST(x AS BLOB)` and decoded
 * here: `node:sqlite` returns TEXT only up to the first NUL character, and
 * the store must give back exactly what it was given.
 *
 * @module
 */

import type { ChatRecord } from "../shared/record.ts";
import type { ChannelMessage, PrivateMessage } from "./storage_types.ts";

const decoder = new TextDecoder();

/** Decodes a column read with `CAST(column AS BLOB)` (or plain TEXT). */
export function columnText(value: unknown): string {
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return String(value);
}

/** Columns every message query selects, in this shape. */
export interface MessageRow {
  /** `CAST(origin AS BLOB)`. */
  origin: Uint8Array | string;
  /** Origin's sequence number. */
  seq: number;
  /** Origin's Lamport clock. */
  clock: number;
  /** Origin's physical time. */
  timestamp: number;
  /** The record's canonical data, JSON. */
  data: string;
}

/** Builds a channel publication payload from a `publish` record's row. */
export function channelMessage(row: MessageRow): ChannelMessage {
  const server = columnText(row.origin);
  const data = JSON.parse(row.data) as {
    user: string;
    channel: string;
    message: string;
  };
  return {
    id: `${server}:${row.seq}`,
    user: data.user,
    channel: data.channel,
    message: data.message,
    timestamp: row.timestamp,
    clock: row.clock,
    server,
  };
}

/** Builds a private message payload from a `message` record's row. */
export function privateMessage(row: MessageRow): PrivateMessage {
  const server = columnText(row.origin);
  const data = JSON.parse(row.data) as {
    src: string;
    dst: string;
    message: string;
  };
  return {
    id: `${server}:${row.seq}`,
    src: data.src,
    dst: data.dst,
    user: data.src,
    message: data.message,
    timestamp: row.timestamp,
    clock: row.clock,
    server,
  };
}

/** Rebuilds a record from its log row (origin given by the caller). */
export function recordFromRow(
  origin: string,
  row: {
    seq: number;
    clock: number;
    timestamp: number;
    op: string;
    data: string;
  },
): ChatRecord {
  return {
    origin,
    seq: row.seq,
    clock: row.clock,
    timestamp: row.timestamp,
    op: row.op,
    data: JSON.parse(row.data),
  } as ChatRecord;
}

/** The sorted pair key under which a private conversation is stored. */
export function pairKey(user1: string, user2: string): [string, string] {
  return user1 <= user2 ? [user1, user2] : [user2, user1];
}
