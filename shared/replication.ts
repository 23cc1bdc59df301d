/**
 * Replication bookkeeping (zguide Clone pattern): which records a server
 * holds, which to persist next, and what it is missing. Pure, no I/O.
 *
 * Every origin numbers its records 1, 2, 3… without gaps, so what a server
 * holds from an origin is summarised by one number, the highest contiguous
 * sequence it holds (its *vector* entry). {@link ReplicaState} keeps that
 * vector plus a bounded buffer of records that arrived ahead of a gap.
 *
 * - `applyIncoming(records)` (from the `replication` topic or a `sync`
 *   page) returns the records to persist now, per origin in sequence order
 *   starting right after the vector entry, so that stored sequences stay
 *   contiguous (the vector can be rebuilt from storage as the max sequence
 *   per origin). Records beyond a gap wait in the buffer; the gaps are
 *   reported as `{origin, after}` (fetch with `sync` from `after`). Records
 *   already held are duplicates and change nothing, so applying is
 *   idempotent and the order of arrival does not matter.
 * - The buffer holds at most `bufferMax` records; when it is full, records
 *   that cannot be persisted yet are dropped (and counted): catch-up fetches
 *   them again once the gap before them is filled.
 * - `nextLocal(op, data, clock, timestamp)` creates this server's next
 *   record (the caller persists it, then publishes it).
 *
 * The caller persists what `applyIncoming` returns before acknowledging
 * anything; the vector is advanced by the call itself, so persist failures
 * must be handled by rebuilding the state from storage.
 *
 * @example
 * ```ts
 * import { ReplicaState } from "@agora/shared/replication";
 * import type { ChatRecord } from "@agora/shared/record";
 * declare const recordsFromServer2: ChatRecord[];
 * const replica = new ReplicaState({ self: "server_1" });
 * const mine = replica.nextLocal("user", { user: "ana" }, 3, 1764190000.1);
 * // mine = { origin: "server_1", seq: 1, clock: 3, ... }
 * const { persist, gaps } = replica.applyIncoming(recordsFromServer2);
 * ```
 *
 * @module
 */

import type { ChatRecord, RecordData, RecordOp } from "./record.ts";

/** Highest contiguous sequence held, per origin. */
export type Vector = Record<string, number>;

/** A hole in an origin's sequence: records after `after` are missing. */
export interface Gap {
  /** The origin with missing records. */
  origin: string;
  /** The highest contiguous sequence held (fetch from `after + 1`). */
  after: number;
}

/** Outcome of {@link ReplicaState.applyIncoming}. */
export interface ApplyResult {
  /** New records to persist now, contiguous per origin, in this order. */
  persist: ChatRecord[];
  /** Records already held (or already buffered). */
  duplicates: number;
  /** Records with no valid origin or sequence. */
  invalid: number;
  /** Records dropped because the out-of-order buffer is full. */
  dropped: number;
  /** Origins with records waiting beyond a gap. */
  gaps: Gap[];
}

/** Configuration of {@link ReplicaState}. */
export interface ReplicaStateOptions {
  /** This server's name (the origin of its local records). */
  self: string;
  /** The vector rebuilt from storage (default: nothing held). */
  vector?: Readonly<Vector>;
  /** Most out-of-order records kept in memory (default 10 000). */
  bufferMax?: number;
}

/** A server's replication bookkeeping (see the module documentation). */
export class ReplicaState {
  /** This server's name. */
  readonly self: string;
  readonly #bufferMax: number;
  readonly #vector = new Map<string, number>();
  /** Out-of-order records: origin → seq → record. */
  readonly #buffer = new Map<string, Map<number, ChatRecord>>();
  #buffered = 0;

  /** Creates the state from the vector found in storage. */
  constructor(options: ReplicaStateOptions) {
    this.self = options.self;
    this.#bufferMax = Math.max(0, options.bufferMax ?? 10_000);
    for (const [origin, seq] of Object.entries(options.vector ?? {})) {
      if (isSeq(seq)) this.#vector.set(origin, seq);
    }
  }

  /** A copy of the vector: highest contiguous sequence held per origin. */
  get vector(): Vector {
    return Object.fromEntries(this.#vector);
  }

  /** The highest contiguous sequence held from `origin` (0 if none). */
  held(origin: string): number {
    return this.#vector.get(origin) ?? 0;
  }

  /** How many out-of-order records wait in memory. */
  get bufferedCount(): number {
    return this.#buffered;
  }

  /** The gaps currently known: origins with records waiting. */
  gaps(): Gap[] {
    return [...this.#buffer.keys()].map((origin) => ({
      origin,
      after: this.held(origin),
    }));
  }

  /** Takes records from peers; returns what to persist (see module docs). */
  applyIncoming(records: readonly ChatRecord[]): ApplyResult {
    const persist: ChatRecord[] = [];
    let duplicates = 0;
    let invalid = 0;
    let dropped = 0;
    for (const record of records) {
      if (!isRecordKey(record)) {
        invalid += 1;
        continue;
      }
      const { origin, seq } = record;
      const held = this.held(origin);
      const pending = this.#buffer.get(origin);
      if (seq <= held || pending?.has(seq)) {
        duplicates += 1;
      } else if (seq === held + 1) {
        persist.push(record);
        this.#vector.set(origin, seq);
        this.#drain(origin, persist);
      } else if (this.#buffered < this.#bufferMax) {
        if (pending) pending.set(seq, record);
        else this.#buffer.set(origin, new Map([[seq, record]]));
        this.#buffered += 1;
      } else {
        // Full: catch-up will fetch it again once the gap before it closes.
        dropped += 1;
      }
    }
    return { persist, duplicates, invalid, dropped, gaps: this.gaps() };
  }

  /**
   * Creates this server's next record (sequence = held + 1) and counts it
   * as held. `clock` is the Lamport clock stamped on it, `timestamp` the
   * physical clock reading in seconds.
   *
   * This server must hold all of its own earlier records: one that lost its
   * storage must first fetch its own origin back from peers (the catch-up
   * planner's `lag()` lists it), or its new records would reuse ids.
   */
  nextLocal<K extends RecordOp>(
    op: K,
    data: RecordData[K],
    clock: number,
    timestamp: number,
  ): ChatRecord {
    const seq = this.held(this.self) + 1;
    this.#vector.set(this.self, seq);
    return { origin: this.self, seq, clock, timestamp, op, data } as ChatRecord;
  }

  /** Moves buffered records that now follow the vector into `persist`. */
  #drain(origin: string, persist: ChatRecord[]): void {
    const pending = this.#buffer.get(origin);
    if (!pending) return;
    let held = this.held(origin);
    for (
      let next = pending.get(held + 1);
      next !== undefined;
      next = pending.get(held + 1)
    ) {
      pending.delete(held + 1);
      this.#buffered -= 1;
      persist.push(next);
      held += 1;
    }
    this.#vector.set(origin, held);
    if (pending.size === 0) this.#buffer.delete(origin);
  }
}

function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isRecordKey(record: unknown): record is ChatRecord {
  if (typeof record !== "object" || record === null) return false;
  const { origin, seq } = record as { origin?: unknown; seq?: unknown };
  return typeof origin === "string" && origin.length > 0 && isSeq(seq) &&
    seq > 0;
}
