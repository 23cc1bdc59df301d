/**
 * The store's SQLite schema and connection settings.
 *
 * `records` is the log: every replication record, verbatim, keyed by
 * `(origin, seq)`. The other tables are materialised from it and only hold
 * what reads need to find rows fast; message text stays in `records.data`
 * (JSON, which also keeps NUL characters intact — SQLite's text reads stop at
 * the first NUL). The `*_view` views join them back for people inspecting
 * the file with the `sqlite3` shell.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { StorageError } from "./storage_error.ts";
import { DIGEST_HEX_DIGITS, RecordDigest } from "./storage_record.ts";
import { columnText, recordFromRow } from "./storage_rows.ts";

/**
 * Schema version kept in `PRAGMA user_version`; bump it with a migration.
 * 2: the digest is 128-bit MurmurHash3 (it was 256-bit SHA-256 in 1).
 * 3: `requests`, the clients' keys for posts (`request_id`).
 */
export const SCHEMA_VERSION = 3;

/**
 * Which post a client's key names, per author (`publish` user, `message`
 * src) and kind (`op`): a retried post is answered with the one stored.
 * Of several posts with one key, the first in message order.
 */
const SCHEMA_REQUESTS = `
CREATE TABLE requests (
  user TEXT NOT NULL,
  op TEXT NOT NULL,
  request_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (user, op, request_id)
) WITHOUT ROWID;
`;

const SCHEMA_V1 = `
CREATE TABLE records (
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  clock INTEGER NOT NULL,
  timestamp REAL NOT NULL,
  op TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (origin, seq)
) WITHOUT ROWID;

-- Per origin: highest seq held without a gap, and highest seq held.
CREATE TABLE origins (
  origin TEXT PRIMARY KEY,
  contiguous INTEGER NOT NULL,
  max_seq INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per name; (clock, origin, seq) is the earliest creation record.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  timestamp REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE logins (
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  user TEXT NOT NULL,
  timestamp REAL NOT NULL,
  PRIMARY KEY (clock, origin, seq)
) WITHOUT ROWID;

CREATE TABLE channels (
  name TEXT PRIMARY KEY,
  creator TEXT,
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  timestamp REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE subscriptions (
  user TEXT NOT NULL,
  channel TEXT NOT NULL,
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  timestamp REAL NOT NULL,
  PRIMARY KEY (user, channel)
) WITHOUT ROWID;

-- Clustered by channel then message order: a history page is one range scan.
CREATE TABLE messages (
  channel TEXT NOT NULL,
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (channel, clock, origin, seq)
) WITHOUT ROWID;

-- The pair is stored sorted (user_a <= user_b) so both directions share it.
CREATE TABLE private_messages (
  user_a TEXT NOT NULL,
  user_b TEXT NOT NULL,
  clock INTEGER NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (user_a, user_b, clock, origin, seq)
) WITHOUT ROWID;

CREATE TABLE store_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  clock INTEGER NOT NULL,
  digest TEXT NOT NULL
);
INSERT INTO store_state (id, clock, digest) VALUES (1, 0, '${
  "0".repeat(DIGEST_HEX_DIGITS)
}');

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW messages_view AS
  SELECT m.channel, m.clock, m.origin, m.seq, r.timestamp,
    json_extract(r.data, '$.user') AS user,
    json_extract(r.data, '$.message') AS message
  FROM messages m JOIN records r ON r.origin = m.origin AND r.seq = m.seq;

CREATE VIEW private_messages_view AS
  SELECT p.clock, p.origin, p.seq, r.timestamp,
    json_extract(r.data, '$.src') AS src,
    json_extract(r.data, '$.dst') AS dst,
    json_extract(r.data, '$.message') AS message
  FROM private_messages p JOIN records r ON r.origin = p.origin AND r.seq = p.seq;
`;

/**
 * Sets the connection's durability settings: WAL with `synchronous = FULL`
 * makes every COMMIT fsync the WAL before it returns, so a returned
 * `append` survives `kill -9` and power loss.
 */
export function configure(db: DatabaseSync): void {
  const mode = db.prepare("PRAGMA journal_mode = WAL").get() as
    | { journal_mode?: unknown }
    | undefined;
  if (mode?.journal_mode !== "wal") {
    throw new Error(
      `Cannot open store: WAL mode refused (journal_mode ${
        JSON.stringify(mode?.journal_mode)
      })`,
    );
  }
  db.exec(`
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 2000;
    PRAGMA foreign_keys = OFF;
    PRAGMA temp_store = FILE;
    PRAGMA cache_size = -16384;
    PRAGMA journal_size_limit = 67108864;
  `);
}

/**
 * Creates the schema in an empty database, or checks the version of an
 * existing one.
 *
 * @throws {StorageError} code `SCHEMA` for an unknown version.
 */
export function migrate(db: DatabaseSync): void {
  const row = db.prepare("PRAGMA user_version").get() as
    | { user_version: number }
    | undefined;
  const version = row?.user_version ?? 0;
  if (version === SCHEMA_VERSION) return;
  if (version < 0 || version > SCHEMA_VERSION) {
    throw new StorageError(
      "SCHEMA",
      `Cannot open store: schema version ${version} is not one this server reads (0 to ${SCHEMA_VERSION})`,
    );
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    if (version === 0) db.exec(SCHEMA_V1);
    // Stores before version 3 hold no request keys: nothing to fill in.
    if (version < 3) db.exec(SCHEMA_REQUESTS);
    if (version === 1) recomputeDigest(db);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Version 1 → 2: the digest changed function, so it is computed again from
 * the log, streaming (O(n) once, constant memory).
 */
function recomputeDigest(db: DatabaseSync): void {
  const digest = RecordDigest.empty();
  const rows = db.prepare(
    "SELECT CAST(origin AS BLOB) AS origin, seq, clock, timestamp, op, data FROM records",
  ).iterate() as Iterable<{
    origin: Uint8Array;
    seq: number;
    clock: number;
    timestamp: number;
    op: string;
    data: string;
  }>;
  for (const row of rows) {
    digest.add(recordFromRow(columnText(row.origin), row), row.data);
  }
  db.prepare("UPDATE store_state SET digest = ? WHERE id = 1").run(
    digest.hex(),
  );
}
