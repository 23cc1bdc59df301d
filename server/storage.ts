/**
 * The server's durable storage: the replication record log and the state
 * materialised from it, in one SQLite file (`node:sqlite`).
 *
 * Writes come in batches: the server collects the records made by every
 * request of one event-loop turn and calls {@linkcode Store.append} once
 * (group commit); when it returns, the batch is fsynced (WAL,
 * `synchronous = FULL`) and the server may reply. Appending is idempotent
 * and order-independent: a record whose id `(origin, seq)` is stored is
 * ignored, and names created concurrently on several servers keep the
 * earliest creation record by `(clock, origin, seq)`, so replicas that hold
 * the same records hold the same state, byte for byte.
 *
 * Reads go to disk through indexes with `LIMIT`; what the store keeps in
 * memory is bounded by the number of origins (vector), not by the data.
 * One process owns a data directory at a time (an exclusive lock file).
 *
 * @example
 * ```ts
 * import { Store } from "./storage.ts";
 * const dir = await Deno.makeTempDir();
 * const store = Store.open(dir);
 * store.append([
 *   { origin: "s1", seq: 1, clock: 1, timestamp: 1, op: "user", data: { user: "ana" } },
 * ], { clock: 1 });
 * console.log(store.users(), store.vector()); // ["ana"] { s1: 1 }
 * store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { compareOrder } from "../shared/order.ts";
import {
  type ChatRecord,
  postAuthor,
  type PostRecord,
} from "../shared/record.ts";
import { StorageError } from "./storage_error.ts";
import { writeOriginalExport } from "./storage_export.ts";
import { canonicalRecord, RecordDigest } from "./storage_record.ts";
import {
  channelMessage,
  columnText,
  type MessageRow,
  pairKey,
  privateMessage,
  recordFromRow,
} from "./storage_rows.ts";
import { configure, migrate } from "./storage_schema.ts";
import {
  BULK_ROWS_MAX,
  countRows,
  prepareStatements,
  type Statements,
} from "./storage_statements.ts";
import type {
  AppendOptions,
  ChannelInfo,
  ChannelMessage,
  CreationInfo,
  HistoryOptions,
  KeyedPost,
  PrivateMessage,
  StoreCounts,
} from "./storage_types.ts";

export type { ChatRecord, RecordData, RecordOp } from "../shared/record.ts";
export { StorageError, type StorageErrorCode } from "./storage_error.ts";
export type {
  AppendOptions,
  ChannelInfo,
  ChannelMessage,
  CreationInfo,
  HistoryOptions,
  KeyedPost,
  PrivateMessage,
  StoreCounts,
} from "./storage_types.ts";

/** Name of the SQLite file inside the data directory. */
export const DATABASE_FILE = "agora.sqlite";
/** Name of the lock file that keeps a second process out. */
export const LOCK_FILE = "agora.lock";
/** History page size when the caller gives none. */
export const HISTORY_LIMIT_DEFAULT = 100;
/** Largest history page. */
export const HISTORY_LIMIT_MAX = 1000;
/** Largest `recordsAfter` page. */
export const SYNC_LIMIT_MAX = 5000;
/** Longest meta key, in characters. */
export const META_KEY_CHARS_MAX = 256;
/** Longest meta value, in characters. */
export const META_VALUE_CHARS_MAX = 65_536;

interface OriginState {
  contiguous: number;
  maxSeq: number;
}

/**
 * A data directory opened for reading and writing. Not safe to share
 * between processes (the lock file prevents it); every method is
 * synchronous except {@linkcode Store.exportOriginal}.
 */
export class Store {
  /** The data directory. */
  readonly dir: string;
  /** Path of the SQLite file. */
  readonly path: string;

  #db: DatabaseSync;
  #lock: Deno.FsFile;
  #s: Statements;
  #origins = new Map<string, OriginState>();
  #counts: StoreCounts;
  #digest: RecordDigest;
  #clock: number;
  #readers = new Set<DatabaseSync>();
  #open = true;

  private constructor(dir: string, db: DatabaseSync, lock: Deno.FsFile) {
    this.dir = dir;
    this.path = `${dir}/${DATABASE_FILE}`;
    this.#db = db;
    this.#lock = lock;
    this.#s = prepareStatements(db);
    for (const row of this.#s.origins.all()) {
      const { origin, contiguous, max_seq } = row as {
        origin: unknown;
        contiguous: number;
        max_seq: number;
      };
      this.#origins.set(columnText(origin), { contiguous, maxSeq: max_seq });
    }
    const state = this.#s.state.get() as { clock: number; digest: string };
    this.#clock = state.clock;
    const digest = RecordDigest.parse(state.digest);
    if (digest === undefined) {
      throw new StorageError(
        "SCHEMA",
        `Cannot open store: the stored digest ${
          JSON.stringify(state.digest.slice(0, 80))
        } is not 32 hex digits`,
      );
    }
    this.#digest = digest;
    // Counting once at open (O(n) over compact keys) instead of keeping
    // counters on disk: they can never drift from the tables.
    this.#counts = countRows(db);
  }

  /**
   * Opens (creating if needed) the store in `dir`.
   *
   * @throws {StorageError} code `LOCKED` when another store holds `dir`,
   * `SCHEMA` when the file's schema version is unknown.
   */
  static open(dir: string): Store {
    Deno.mkdirSync(dir, { recursive: true });
    const lock = Deno.openSync(`${dir}/${LOCK_FILE}`, {
      read: true,
      write: true,
      create: true,
    });
    let db: DatabaseSync | undefined;
    try {
      if (!lock.tryLockSync(true)) {
        throw new StorageError(
          "LOCKED",
          `Cannot open store in "${dir}": the directory is in use (${LOCK_FILE} is locked)`,
        );
      }
      db = new DatabaseSync(`${dir}/${DATABASE_FILE}`);
      configure(db);
      migrate(db);
      return new Store(dir, db, lock);
    } catch (error) {
      db?.close();
      lock.close();
      throw error;
    }
  }

  /**
   * Stores a batch in one durable transaction and returns the records that
   * were not stored before (canonical copies, in input order). Records are
   * validated first: if any is malformed nothing is written. A record whose
   * id is stored already is skipped even if its content differs (first
   * write wins; replicas compare digests to notice). `options.clock` and
   * `options.meta` are written in the same transaction.
   *
   * Cost: O(log n) per record plus one fsync per call (none with
   * `durable: false`, see {@link AppendOptions.durable}).
   *
   * @throws {StorageError} `INVALID_RECORD`, `INVALID_ARGUMENT`, `CLOSED`;
   * SQLite errors (disk full, …) after rolling back.
   */
  append(
    records: readonly ChatRecord[],
    options: AppendOptions = {},
  ): ChatRecord[] {
    this.#assertOpen("append records");
    if (!Array.isArray(records)) {
      throw new StorageError(
        "INVALID_ARGUMENT",
        "Cannot append records: expected an array",
      );
    }
    const batch = records.map((record) => canonicalRecord(record));
    const clock = options.clock;
    if (clock !== undefined) checkClock(clock, "append records");
    if (
      options.meta !== undefined &&
      (typeof options.meta !== "object" || options.meta === null)
    ) {
      throw new StorageError(
        "INVALID_ARGUMENT",
        "Cannot append records: meta must be an object of strings",
      );
    }
    const meta = Object.entries(options.meta ?? {}).map(([key, value]) =>
      checkMeta(key, value)
    );
    if (batch.length === 0 && clock === undefined && meta.length === 0) {
      return [];
    }

    for (let attempt = 1;; attempt++) {
      try {
        return this.#write(batch, clock, meta, options.durable ?? true);
      } catch (error) {
        if (!(error instanceof StaleMaxSeq)) throw error;
        if (attempt > 1) throw new StorageError("CORRUPT", error.message);
        // Only a store edited from outside gets here (the origins table is
        // written in the same transaction as the log): re-read the origin's
        // highest seq from the log and try once more.
        const row = this.#s.logMaxSeq.get(error.origin) as {
          seq: number | null;
        };
        const state = this.#origins.get(error.origin) ?? emptyOrigin();
        this.#origins.set(error.origin, { ...state, maxSeq: row.seq ?? 0 });
      }
    }
  }

  /** {@linkcode Store.append} after validation. */
  #write(
    batch: readonly ChatRecord[],
    clock: number | undefined,
    meta: readonly (readonly [string, string])[],
    durable: boolean,
  ): ChatRecord[] {
    const inserted: ChatRecord[] = [];
    const delta = emptyCounts();
    const touched = new Map<string, OriginState>();
    // Seqs inserted by this batch, per origin: most of the contiguity walk
    // below finds its answer here instead of in one SQLite query per seq.
    const insertedSeqs = new Map<string, Set<number>>();
    const digest = this.#digest.clone();
    const nextClock = Math.max(this.#clock, clock ?? 0);
    try {
      // Inside the try: if BEGIN fails (SQLITE_BUSY from another connection,
      // an I/O error), the finally still puts FULL back, or every later
      // acknowledged commit would skip its fsync.
      if (!durable) this.#db.exec("PRAGMA synchronous = NORMAL");
      this.#db.exec("BEGIN IMMEDIATE");
      for (let start = 0; start < batch.length;) {
        // A run of records of one origin, stored with one statement.
        const origin = batch[start].origin;
        let end = start + 1;
        while (
          end < batch.length && end - start < BULK_ROWS_MAX &&
          batch[end].origin === origin
        ) end++;
        const jsons = batch.slice(start, end).map((r) =>
          JSON.stringify(r.data)
        );
        const fresh = this.#insertRun(
          batch,
          jsons,
          start,
          end,
          (touched.get(origin) ?? this.#origins.get(origin))?.maxSeq ?? 0,
        );
        if (fresh.size > 0) {
          const state = touched.get(origin) ??
            { ...(this.#origins.get(origin) ?? emptyOrigin()) };
          touched.set(origin, state);
          let seqs = insertedSeqs.get(origin);
          if (seqs === undefined) {
            seqs = new Set();
            insertedSeqs.set(origin, seqs);
          }
          const published: ChatRecord[] = [];
          for (let i = start; i < end; i++) {
            const record = batch[i];
            // `delete`: a seq given twice in the run was stored once, from
            // its first occurrence (SQLite inserts the tuples in order).
            if (!fresh.delete(record.seq)) continue;
            delta.records++;
            this.#index(record, published, delta);
            inserted.push(record);
            digest.add(record, jsons[i - start]);
            state.maxSeq = Math.max(state.maxSeq, record.seq);
            seqs.add(record.seq);
          }
          this.#insertMessages(published, delta);
        }
        start = end;
      }
      for (const [origin, state] of touched) {
        // Each stored seq is stepped over once in the store's lifetime, so
        // this loop is amortised O(log n) per record.
        const seqs = insertedSeqs.get(origin)!;
        while (
          seqs.has(state.contiguous + 1) ||
          this.#s.hasRecord.get(origin, state.contiguous + 1)
        ) {
          state.contiguous++;
        }
        this.#s.putOrigin.run(origin, state.contiguous, state.maxSeq);
      }
      if (inserted.length > 0 || nextClock !== this.#clock) {
        this.#s.putState.run(nextClock, digest.hex());
      }
      for (const [key, value] of meta) this.#s.putMeta.run(key, value);
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      if (!durable) this.#db.exec("PRAGMA synchronous = FULL");
    }
    // Caches change only after COMMIT succeeded, so a failed batch leaves
    // them describing the disk.
    for (const [origin, state] of touched) this.#origins.set(origin, state);
    for (const key of Object.keys(delta) as (keyof StoreCounts)[]) {
      this.#counts[key] += delta[key];
    }
    this.#digest = digest;
    this.#clock = nextClock;
    return inserted;
  }

  /** Whether a user with this name exists. O(log n). */
  hasUser(name: string): boolean {
    this.#assertOpen("read users");
    return this.#s.hasUser.get(name) !== undefined;
  }

  /** Whether a channel with this name exists. O(log n). */
  hasChannel(name: string): boolean {
    this.#assertOpen("read channels");
    return this.#s.hasChannel.get(name) !== undefined;
  }

  /** The user's canonical (earliest) creation, if the user exists. */
  userInfo(name: string): CreationInfo | undefined {
    this.#assertOpen("read users");
    const row = this.#s.userInfo.get(name) as CreationRow | undefined;
    return row && creationInfo(name.toWellFormed(), row);
  }

  /** The channel's canonical (earliest) creation, if the channel exists. */
  channelInfo(name: string): ChannelInfo | undefined {
    this.#assertOpen("read channels");
    const row = this.#s.channelInfo.get(name) as
      | (CreationRow & { creator: unknown })
      | undefined;
    if (!row) return undefined;
    const info: ChannelInfo = creationInfo(name.toWellFormed(), row);
    if (row.creator !== null) info.creator = columnText(row.creator);
    return info;
  }

  /** Every user name, sorted by UTF-8 bytes. */
  users(): string[] {
    this.#assertOpen("read users");
    return this.#s.users.all().map((row) => columnText(row.name));
  }

  /** Every channel name, sorted by UTF-8 bytes. */
  channels(): string[] {
    this.#assertOpen("read channels");
    return this.#s.channels.all().map((row) => columnText(row.name));
  }

  /** The channels a user follows, sorted. */
  subscriptions(user: string): string[] {
    this.#assertOpen("read subscriptions");
    return this.#s.subscriptions.all(user).map((row) =>
      columnText(row.channel)
    );
  }

  /**
   * A page of a channel's messages, oldest first: the `limit` most recent
   * messages strictly before `before` in `(clock, server, seq)` order (the
   * most recent overall without `before`). An unknown channel has none.
   *
   * @throws {StorageError} `UNKNOWN_ID` when `before` names no stored record.
   */
  channelHistory(
    channel: string,
    options: HistoryOptions = {},
  ): ChannelMessage[] {
    this.#assertOpen("read channel history");
    const limit = historyLimit(options.limit);
    const rows = options.before === undefined
      ? this.#s.channelLatest.all(channel, limit)
      : this.#s.channelBefore.all(
        channel,
        ...this.#orderKey(options.before),
        limit,
      );
    return (rows as unknown as MessageRow[]).reverse().map(channelMessage);
  }

  /**
   * A page of the private conversation between two users (both
   * directions), oldest first, paged like {@linkcode Store.channelHistory}.
   *
   * @throws {StorageError} `UNKNOWN_ID` when `before` names no stored record.
   */
  privateHistory(
    user1: string,
    user2: string,
    options: HistoryOptions = {},
  ): PrivateMessage[] {
    this.#assertOpen("read private history");
    const limit = historyLimit(options.limit);
    const [a, b] = pairKey(user1, user2);
    const rows = options.before === undefined
      ? this.#s.privateLatest.all(a, b, limit)
      : this.#s.privateBefore.all(
        a,
        b,
        ...this.#orderKey(options.before),
        limit,
      );
    return (rows as unknown as MessageRow[]).reverse().map(privateMessage);
  }

  /**
   * Per origin, the highest seq held with no gap below it (0 if seq 1 is
   * missing). Kept in memory, O(origins).
   */
  vector(): Record<string, number> {
    this.#assertOpen("read the vector");
    const vector: Record<string, number> = {};
    for (const origin of [...this.#origins.keys()].sort()) {
      vector[origin] = this.#origins.get(origin)!.contiguous;
    }
    return vector;
  }

  /** The highest seq held from `origin`, gaps or not (0 if none). */
  maxSeq(origin: string): number {
    this.#assertOpen("read the vector");
    return this.#origins.get(origin)?.maxSeq ?? 0;
  }

  /** The seq the next record created by `origin` should carry. */
  nextSeq(origin: string): number {
    return this.maxSeq(origin) + 1;
  }

  /**
   * Up to `limit` (clamped to 1..{@linkcode SYNC_LIMIT_MAX}) records of
   * `origin` with seq greater than `afterSeq`, in seq order (there may be
   * gaps if this store misses some). For `sync` catch-up pages.
   */
  recordsAfter(origin: string, afterSeq: number, limit: number): ChatRecord[] {
    this.#assertOpen("read records");
    const after = Number.isFinite(afterSeq)
      ? Math.max(0, Math.floor(afterSeq))
      : 0;
    const count = Number.isFinite(limit)
      ? Math.min(SYNC_LIMIT_MAX, Math.max(1, Math.floor(limit)))
      : 1;
    return this.#s.recordsAfter.all(origin, after, count).map((row) =>
      recordFromRow(
        origin,
        row as {
          seq: number;
          clock: number;
          timestamp: number;
          op: string;
          data: string;
        },
      )
    );
  }

  /** How much the store holds. Kept in memory, O(1). */
  counts(): StoreCounts {
    this.#assertOpen("read counts");
    return { ...this.#counts };
  }

  /**
   * A digest of the whole state ({@link RecordDigest}): the sum modulo
   * 2^128 of the MurmurHash3 of every record's canonical JSON, as 32 hex
   * digits. Equal record sets give equal digests whatever the order they
   * arrived in; the state is a pure
   * function of the record set, so equal digests mean equal state (barring
   * deliberate collisions — records are authenticated elsewhere). Updated
   * with each batch, O(1) to read.
   */
  digest(): string {
    this.#assertOpen("read the digest");
    return this.#digest.hex();
  }

  /**
   * The post of kind `op` that `user` sent with the key `requestId` (the
   * first in message order), if one is stored: its id (`origin:seq`), its
   * channel (`publish`) or recipient (`message`) as `target`, and its text.
   * O(log n).
   */
  requestPost(
    op: "publish" | "message",
    user: string,
    requestId: string,
  ): KeyedPost | undefined {
    this.#assertOpen("find a request");
    const row = this.#s.requestPost.get(user, op, requestId) as
      | { origin: Uint8Array | string; seq: number; data: string }
      | undefined;
    if (row === undefined) return undefined;
    const data = JSON.parse(row.data) as Record<string, string>;
    return {
      id: `${columnText(row.origin)}:${row.seq}`,
      target: op === "publish" ? data.channel : data.dst,
      message: data.message,
    };
  }

  /** The persisted Lamport clock (0 for a new store). */
  loadClock(): number {
    this.#assertOpen("read the clock");
    return this.#clock;
  }

  /**
   * Persists the Lamport clock durably. The stored value never decreases:
   * a smaller `clock` is ignored.
   */
  saveClock(clock: number): void {
    this.#assertOpen("save the clock");
    checkClock(clock, "save the clock");
    if (clock > this.#clock) this.append([], { clock });
  }

  /** A metadata value, if set. */
  getMeta(key: string): string | undefined {
    this.#assertOpen("read meta");
    const row = this.#s.getMeta.get(key) as { value: unknown } | undefined;
    return row && columnText(row.value);
  }

  /** Sets a metadata value durably (key ≤ 256, value ≤ 65,536 characters). */
  setMeta(key: string, value: string): void {
    this.#assertOpen("set meta");
    this.append([], { meta: { [key]: value } });
  }

  /**
   * Writes `data.json` and `login.json` in the original layout into `dir`
   * (see `storage_export.ts`), from one consistent snapshot, atomically per
   * file. Appends may continue meanwhile; they are not in the export.
   * Cost: a full scan plus a sort of the messages by order key (SQLite
   * spills the sort to temp files, so memory stays bounded), roughly
   * 10–20 s per million messages here; while it runs the WAL cannot be
   * checkpointed past its snapshot.
   */
  async exportOriginal(dir: string): Promise<void> {
    this.#assertOpen("export");
    const reader = new DatabaseSync(this.path, { readOnly: true });
    this.#readers.add(reader);
    try {
      reader.exec("PRAGMA busy_timeout = 2000; BEGIN");
      // The snapshot starts at the first read, which must happen now, before
      // this method yields and the caller appends more.
      reader.prepare("SELECT clock FROM store_state").get();
      await writeOriginalExport(reader, dir);
    } catch (error) {
      if (!this.#open) {
        throw new StorageError(
          "CLOSED",
          `Cannot export to "${dir}": the store was closed`,
        );
      }
      throw error;
    } finally {
      this.#readers.delete(reader);
      if (reader.isOpen) reader.close();
    }
  }

  /**
   * Runs `PRAGMA integrity_check`: `"ok"`, or SQLite's description of the
   * damage. Reads the whole file: O(n), for diagnostics and tests.
   */
  integrityCheck(): string {
    this.#assertOpen("check integrity");
    return this.#db.prepare("PRAGMA integrity_check").all()
      .map((row) => String(row.integrity_check))
      .join("\n");
  }

  /** Closes the database and releases the directory. Idempotent. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const reader of this.#readers) reader.close();
    this.#readers.clear();
    this.#db.close();
    this.#lock.close();
  }

  /**
   * Inserts `batch[start..end)` (one origin, whose highest stored seq is
   * `maxSeq`) into the log; returns the seqs that were not stored before.
   */
  #insertRun(
    batch: readonly ChatRecord[],
    jsons: readonly string[],
    start: number,
    end: number,
    maxSeq: number,
  ): Set<number> {
    const values: (string | number)[] = [];
    // Seqs rising from above `maxSeq` (a catch-up page, a turn's own
    // records) are all new: no conflict to report.
    let rising = true;
    let previous = maxSeq;
    for (let i = start; i < end; i++) {
      const { origin, seq, clock, timestamp, op } = batch[i];
      values.push(origin, seq, clock, timestamp, op, jsons[i - start]);
      rising &&= seq > previous;
      previous = seq;
    }
    if (rising) {
      const { changes } = this.#s.appendRecords.rows(end - start).run(
        ...values,
      );
      if (changes !== end - start) {
        throw new StaleMaxSeq(
          batch[start].origin,
          `Cannot append records: ${end - start} new seqs of ${
            JSON.stringify(batch[start].origin)
          } above ${maxSeq} stored only ${changes} rows`,
        );
      }
      const fresh = new Set<number>();
      for (let i = start; i < end; i++) fresh.add(batch[i].seq);
      return fresh;
    }
    const rows = this.#s.insertRecords.rows(end - start).all(...values) as {
      seq: number;
    }[];
    return new Set(rows.map((row) => row.seq));
  }

  /** Adds `publish` records, just stored, to their channels' indexes. */
  #insertMessages(records: readonly ChatRecord[], delta: StoreCounts): void {
    if (records.length === 0) return;
    const values: (string | number)[] = [];
    for (const record of records) {
      const { origin, seq, clock } = record;
      values.push(
        (record.data as { channel: string }).channel,
        clock,
        origin,
        seq,
      );
    }
    this.#s.insertMessages.rows(records.length).run(...values);
    delta.messages += records.length;
  }

  /**
   * Materialises a record just stored in the log: `publish` records are
   * collected in `published` for one multi-row insert, the rest go at once.
   *
   * A post with a client key (`request_id`) claims the key. Of the posts
   * with one kind, author and key (a retry that reached another server
   * before the first post did), only the first in message order (`clock`,
   * origin, seq) is in the histories and in `requests`: every replica picks
   * the same one whatever order they arrive in. The others stay in the log.
   */
  #index(
    record: ChatRecord,
    published: ChatRecord[],
    delta: StoreCounts,
  ): void {
    const post = record.op === "publish" || record.op === "message";
    if (post && record.data.request_id !== undefined) {
      const claimed = this.#s.insertRequest.run(
        postAuthor(record),
        record.op,
        record.data.request_id,
        record.origin,
        record.seq,
      ).changes > 0;
      if (!claimed) {
        // An earlier post of this batch may hold the key: index those first.
        this.#insertMessages(published.splice(0), delta);
        if (!this.#takeKey(record, delta)) return;
      }
    }
    if (record.op === "publish") published.push(record);
    else this.#materialize(record, delta);
  }

  /**
   * A post whose key is held: if it comes first in message order it takes
   * the key and the holder leaves the histories (true: index the post).
   */
  #takeKey(record: PostRecord, delta: StoreCounts): boolean {
    const s = this.#s;
    const key = record.data.request_id!;
    const author = postAuthor(record);
    const holder = s.requestWinner.get(author, record.op, key) as {
      origin: Uint8Array | string;
      seq: number;
      clock: number;
      data: string;
    };
    const winner = {
      clock: holder.clock,
      server: columnText(holder.origin),
      seq: holder.seq,
    };
    const challenger = {
      clock: record.clock,
      server: record.origin,
      seq: record.seq,
    };
    if (compareOrder(challenger, winner) >= 0) return false;
    const old = JSON.parse(holder.data) as Record<string, string>;
    if (record.op === "publish") {
      s.deleteMessage.run(old.channel, winner.clock, winner.server, winner.seq);
      delta.messages--;
    } else {
      const [a, b] = pairKey(old.src, old.dst);
      s.deletePrivate.run(a, b, winner.clock, winner.server, winner.seq);
      delta.privateMessages--;
    }
    s.updateRequest.run(record.origin, record.seq, author, record.op, key);
    return true;
  }

  /** Materialises a record other than `publish`, just stored in the log. */
  #materialize(record: ChatRecord, delta: StoreCounts): void {
    const s = this.#s;
    const { origin, seq, clock, timestamp } = record;
    const key = [clock, origin, seq, timestamp] as const;
    switch (record.op) {
      case "user":
        if (s.insertUser.run(record.data.user, ...key).changes > 0) {
          delta.users++;
        } else s.updateUser.run(...key, record.data.user);
        break;
      case "login":
        s.insertLogin.run(...key, record.data.user);
        delta.logins++;
        break;
      case "channel": {
        const creator = record.data.user ?? null;
        if (
          s.insertChannel.run(record.data.channel, creator, ...key).changes > 0
        ) {
          delta.channels++;
        } else s.updateChannel.run(creator, ...key, record.data.channel);
        break;
      }
      case "subscribe": {
        const { user, channel } = record.data;
        if (s.insertSubscription.run(user, channel, ...key).changes > 0) {
          delta.subscriptions++;
        } else s.updateSubscription.run(...key, user, channel);
        break;
      }
      case "publish":
        throw new Error("publish records are materialised in bulk");
      case "message": {
        const [a, b] = pairKey(record.data.src, record.data.dst);
        s.insertPrivate.run(a, b, clock, origin, seq);
        delta.privateMessages++;
        break;
      }
      default: {
        const never: never = record;
        throw new Error(`Unhandled record ${JSON.stringify(never)}`);
      }
    }
  }

  /** The `(clock, origin, seq)` of the record a history `before` names. */
  #orderKey(id: unknown): [number, string, number] {
    const unknown = () =>
      new StorageError(
        "UNKNOWN_ID",
        `Cannot read history before ${
          typeof id === "string" ? JSON.stringify(id.slice(0, 200)) : typeof id
        }: no such message`,
      );
    if (typeof id !== "string") throw unknown();
    const colon = id.lastIndexOf(":");
    const origin = id.slice(0, colon);
    const seqText = id.slice(colon + 1);
    if (colon < 1 || !/^[1-9][0-9]{0,15}$/.test(seqText)) throw unknown();
    const seq = Number(seqText);
    const row = this.#s.recordClock.get(origin, seq) as
      | { clock: number }
      | undefined;
    if (!row) throw unknown();
    return [row.clock, origin, seq];
  }

  #assertOpen(action: string): void {
    if (!this.#open) {
      throw new StorageError(
        "CLOSED",
        `Cannot ${action}: the store is closed`,
      );
    }
  }
}

interface CreationRow {
  clock: number;
  timestamp: number;
  origin: unknown;
  seq: number;
}

function creationInfo(name: string, row: CreationRow): CreationInfo {
  return {
    name,
    clock: row.clock,
    timestamp: row.timestamp,
    origin: columnText(row.origin),
    seq: row.seq,
  };
}

function emptyCounts(): StoreCounts {
  return {
    users: 0,
    channels: 0,
    messages: 0,
    privateMessages: 0,
    logins: 0,
    subscriptions: 0,
    records: 0,
  };
}

function emptyOrigin(): OriginState {
  return { contiguous: 0, maxSeq: 0 };
}

function historyLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) {
    return HISTORY_LIMIT_DEFAULT;
  }
  return Math.min(HISTORY_LIMIT_MAX, Math.max(1, Math.floor(limit)));
}

function checkClock(clock: unknown, action: string): void {
  if (!Number.isSafeInteger(clock) || (clock as number) < 0) {
    throw new StorageError(
      "INVALID_ARGUMENT",
      `Cannot ${action}: clock ${
        typeof clock === "number" ? clock : typeof clock
      } is not a non-negative safe integer`,
    );
  }
}

function checkMeta(key: unknown, value: unknown): [string, string] {
  if (
    typeof key !== "string" || key === "" || key.length > META_KEY_CHARS_MAX
  ) {
    throw new StorageError(
      "INVALID_ARGUMENT",
      `Cannot set meta: key must be a string of 1 to ${META_KEY_CHARS_MAX} characters`,
    );
  }
  if (typeof value !== "string" || value.length > META_VALUE_CHARS_MAX) {
    throw new StorageError(
      "INVALID_ARGUMENT",
      `Cannot set meta ${
        JSON.stringify(key)
      }: value must be a string of at most ${META_VALUE_CHARS_MAX} characters`,
    );
  }
  // Well-formed, so what getMeta returns is exactly what was stored.
  return [key.toWellFormed(), value.toWellFormed()];
}

/**
 * A run the origins table said was new collided with stored records: the
 * cached highest seq is stale (see `Store.append`).
 */
class StaleMaxSeq extends Error {
  readonly origin: string;
  constructor(origin: string, message: string) {
    super(message);
    this.origin = origin;
  }
}
