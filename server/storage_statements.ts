/**
 * The store's prepared SQL statements, and row counting at open.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { StoreCounts } from "./storage_types.ts";

/** The prepared statements, by purpose. */
export type Statements = ReturnType<typeof prepareStatements>;

/**
 * Prepares every statement the store runs, once per connection. Every value
 * is a bound parameter; names that are returned are read as BLOB (see
 * `storage_rows.ts`), and ORDER BY names the table's column, not the alias,
 * so SQLite walks the index instead of sorting.
 */
export function prepareStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  const messageColumns =
    "CAST(m.origin AS BLOB) AS origin, m.seq, m.clock, r.timestamp, r.data";
  return {
    origins: p(
      "SELECT CAST(origin AS BLOB) AS origin, contiguous, max_seq FROM origins",
    ),
    state: p("SELECT clock, digest FROM store_state WHERE id = 1"),
    putState: p("UPDATE store_state SET clock = ?, digest = ? WHERE id = 1"),
    putOrigin: p(
      `INSERT INTO origins (origin, contiguous, max_seq) VALUES (?, ?, ?)
       ON CONFLICT (origin) DO UPDATE
       SET contiguous = excluded.contiguous, max_seq = excluded.max_seq`,
    ),
    getMeta: p("SELECT CAST(value AS BLOB) AS value FROM meta WHERE key = ?"),
    putMeta: p(
      `INSERT INTO meta (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    insertRecords: new BulkInsert(
      db,
      "INSERT INTO records (origin, seq, clock, timestamp, op, data) VALUES",
      6,
      "ON CONFLICT DO NOTHING RETURNING seq",
    ),
    // For runs whose seqs all lie above the origin's highest stored seq
    // (catch-up pages, a turn's own records): none should conflict, so the
    // count of changes says what RETURNING would, without a row object per
    // record (5-10% of `append` in catch-up).
    appendRecords: new BulkInsert(
      db,
      "INSERT INTO records (origin, seq, clock, timestamp, op, data) VALUES",
      6,
      "ON CONFLICT DO NOTHING",
    ),
    insertMessages: new BulkInsert(
      db,
      "INSERT INTO messages (channel, clock, origin, seq) VALUES",
      4,
      "ON CONFLICT DO NOTHING",
    ),
    insertRequest: p(
      `INSERT INTO requests (user, op, request_id, origin, seq)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    updateRequest: p(
      `UPDATE requests SET origin = ?, seq = ?
       WHERE user = ? AND op = ? AND request_id = ?`,
    ),
    requestWinner: p(
      `SELECT CAST(q.origin AS BLOB) AS origin, q.seq, r.clock, r.data
       FROM requests q JOIN records r ON r.origin = q.origin AND r.seq = q.seq
       WHERE q.user = ? AND q.op = ? AND q.request_id = ?`,
    ),
    deleteMessage: p(
      `DELETE FROM messages
       WHERE channel = ? AND clock = ? AND origin = ? AND seq = ?`,
    ),
    deletePrivate: p(
      `DELETE FROM private_messages
       WHERE user_a = ? AND user_b = ? AND clock = ? AND origin = ? AND seq = ?`,
    ),
    requestPost: p(
      `SELECT CAST(q.origin AS BLOB) AS origin, q.seq, r.data
       FROM requests q JOIN records r ON r.origin = q.origin AND r.seq = q.seq
       WHERE q.user = ? AND q.op = ? AND q.request_id = ?`,
    ),
    logMaxSeq: p("SELECT MAX(seq) AS seq FROM records WHERE origin = ?"),
    hasRecord: p("SELECT 1 AS x FROM records WHERE origin = ? AND seq = ?"),
    recordClock: p("SELECT clock FROM records WHERE origin = ? AND seq = ?"),
    recordsAfter: p(
      `SELECT seq, clock, timestamp, op, data FROM records
       WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    insertUser: p(
      `INSERT INTO users (name, clock, origin, seq, timestamp)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    updateUser: p(
      `UPDATE users SET clock = ?1, origin = ?2, seq = ?3, timestamp = ?4
       WHERE name = ?5 AND (?1, ?2, ?3) < (clock, origin, seq)`,
    ),
    hasUser: p("SELECT 1 AS x FROM users WHERE name = ?"),
    userInfo: p(
      `SELECT clock, timestamp, CAST(origin AS BLOB) AS origin, seq
       FROM users WHERE name = ?`,
    ),
    users: p(
      "SELECT CAST(name AS BLOB) AS name FROM users ORDER BY users.name",
    ),
    insertLogin: p(
      `INSERT INTO logins (clock, origin, seq, timestamp, user)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    insertChannel: p(
      `INSERT INTO channels (name, creator, clock, origin, seq, timestamp)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    updateChannel: p(
      `UPDATE channels
       SET creator = ?1, clock = ?2, origin = ?3, seq = ?4, timestamp = ?5
       WHERE name = ?6 AND (?2, ?3, ?4) < (clock, origin, seq)`,
    ),
    hasChannel: p("SELECT 1 AS x FROM channels WHERE name = ?"),
    channelInfo: p(
      `SELECT CAST(creator AS BLOB) AS creator, clock, timestamp,
         CAST(origin AS BLOB) AS origin, seq
       FROM channels WHERE name = ?`,
    ),
    channels: p(
      "SELECT CAST(name AS BLOB) AS name FROM channels ORDER BY channels.name",
    ),
    insertSubscription: p(
      `INSERT INTO subscriptions (user, channel, clock, origin, seq, timestamp)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    updateSubscription: p(
      `UPDATE subscriptions SET clock = ?1, origin = ?2, seq = ?3, timestamp = ?4
       WHERE user = ?5 AND channel = ?6 AND (?1, ?2, ?3) < (clock, origin, seq)`,
    ),
    subscriptions: p(
      `SELECT CAST(channel AS BLOB) AS channel FROM subscriptions
       WHERE user = ? ORDER BY subscriptions.channel`,
    ),
    channelLatest: p(
      `SELECT ${messageColumns} FROM messages m
       JOIN records r ON r.origin = m.origin AND r.seq = m.seq
       WHERE m.channel = ?
       ORDER BY m.clock DESC, m.origin DESC, m.seq DESC LIMIT ?`,
    ),
    channelBefore: p(
      `SELECT ${messageColumns} FROM messages m
       JOIN records r ON r.origin = m.origin AND r.seq = m.seq
       WHERE m.channel = ? AND (m.clock, m.origin, m.seq) < (?, ?, ?)
       ORDER BY m.clock DESC, m.origin DESC, m.seq DESC LIMIT ?`,
    ),
    insertPrivate: p(
      `INSERT INTO private_messages (user_a, user_b, clock, origin, seq)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    privateLatest: p(
      `SELECT ${messageColumns} FROM private_messages m
       JOIN records r ON r.origin = m.origin AND r.seq = m.seq
       WHERE m.user_a = ? AND m.user_b = ?
       ORDER BY m.clock DESC, m.origin DESC, m.seq DESC LIMIT ?`,
    ),
    privateBefore: p(
      `SELECT ${messageColumns} FROM private_messages m
       JOIN records r ON r.origin = m.origin AND r.seq = m.seq
       WHERE m.user_a = ? AND m.user_b = ? AND (m.clock, m.origin, m.seq) < (?, ?, ?)
       ORDER BY m.clock DESC, m.origin DESC, m.seq DESC LIMIT ?`,
    ),
  };
}

/** Counts the rows of each table: O(n), done once when the store opens. */
export function countRows(db: DatabaseSync): StoreCounts {
  const count = (table: string): number =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    users: count("users"),
    channels: count("channels"),
    messages: count("messages"),
    privateMessages: count("private_messages"),
    logins: count("logins"),
    subscriptions: count("subscriptions"),
    records: count("records"),
  };
}

/** Rows per multi-row INSERT (`BulkInsert`). */
export const BULK_ROWS_MAX = 64;

/**
 * Multi-row `INSERT … VALUES (…), (…)` statements of 1 to
 * {@link BULK_ROWS_MAX} rows, prepared on first use of each size. One
 * statement per 64 rows instead of one per row roughly halves what a row
 * costs (binding and stepping through `node:sqlite` dominate, not the
 * B-tree): catch-up stores hundreds of thousands of rows.
 */
export class BulkInsert {
  readonly #db: DatabaseSync;
  readonly #head: string;
  readonly #tuple: string;
  readonly #tail: string;
  readonly #bySize: (StatementSync | undefined)[] = [];

  /**
   * `head` is `INSERT INTO t (a, b, …) VALUES`, `tail` what follows the
   * tuples (`ON CONFLICT …`, `RETURNING …`).
   */
  constructor(db: DatabaseSync, head: string, columns: number, tail: string) {
    this.#db = db;
    this.#head = head;
    this.#tuple = `(${Array(columns).fill("?").join(", ")})`;
    this.#tail = tail;
  }

  /** The statement for `rows` rows (1..{@link BULK_ROWS_MAX}). */
  rows(rows: number): StatementSync {
    let statement = this.#bySize[rows];
    if (statement === undefined) {
      statement = this.#db.prepare(
        `${this.#head} ${
          Array(rows).fill(this.#tuple).join(", ")
        } ${this.#tail}`,
      );
      this.#bySize[rows] = statement;
    }
    return statement;
  }
}
