/**
 * Bulk path for the benchmarks: writes channel messages straight into a
 * (stopped) server's data directory with the server's own `Store`, as if
 * the server had accepted them — its own origin, consecutive sequence
 * numbers, rising Lamport clocks — so the server starts with a large store
 * in seconds instead of minutes of publish round trips.
 *
 * @module
 */

import type { ChatRecord } from "../../../shared/record.ts";
import { Store } from "../../../server/storage.ts";

/** What {@linkcode fillChannel} writes. */
export interface FillOptions {
  /** The data directory (its server must be stopped: the store is locked). */
  dataDir: string;
  /** Origin of the records (the server's own name). */
  origin: string;
  /** An existing user, the author of every message. */
  user: string;
  /** An existing channel. */
  channel: string;
  /** Messages to add. */
  count: number;
  /** Records per transaction (default 10 000). */
  batchRecords?: number;
  /** Bytes of text per message (default 100). */
  messageBytes?: number;
}

/** What {@linkcode fillChannel} did. */
export interface FillResult {
  /** Records stored. */
  records: number;
  /** Wall time, ms. */
  elapsedMs: number;
  /** Size of the SQLite file and its WAL afterwards, bytes. */
  fileBytes: number;
  /** First and last sequence numbers written. */
  firstSeq: number;
  /** Last sequence number written. */
  lastSeq: number;
}

/** Appends `count` publish records of `origin` (see the module docs). */
export function fillChannel(options: FillOptions): FillResult {
  const batchRecords = options.batchRecords ?? 10_000;
  const padding = "x".repeat(Math.max(0, (options.messageBytes ?? 100) - 24));
  const startMs = performance.now();
  const store = Store.open(options.dataDir);
  let firstSeq = 0;
  let lastSeq = 0;
  let stored = 0;
  try {
    let seq = store.nextSeq(options.origin);
    // Above the saved reservation, so the restarted server's clock (which
    // resumes from it) keeps rising past these stamps.
    let clock = store.loadClock() + 1;
    const timestampStart = Date.now() / 1000;
    firstSeq = seq;
    while (stored < options.count) {
      const batch: ChatRecord[] = [];
      const size = Math.min(batchRecords, options.count - stored);
      for (let i = 0; i < size; i++, seq++, clock++) {
        batch.push({
          origin: options.origin,
          seq,
          clock,
          timestamp: timestampStart + stored / 1e6 + i / 1e6,
          op: "publish",
          data: {
            user: options.user,
            channel: options.channel,
            message: `bulk ${String(seq).padStart(12, "0")} ${padding}`,
          },
        });
      }
      stored += store.append(batch, { clock }).length;
    }
    lastSeq = seq - 1;
  } finally {
    store.close();
  }
  let fileBytes = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      fileBytes += Deno.statSync(`${store.path}${suffix}`).size;
    } catch {
      // No WAL after a clean close.
    }
  }
  return {
    records: stored,
    elapsedMs: performance.now() - startMs,
    fileBytes,
    firstSeq,
    lastSeq,
  };
}
