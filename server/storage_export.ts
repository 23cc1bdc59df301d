/**
 * Export of the store to the original system's JSON layout, for people who
 * want to look inside: `data.json` with `users`, `channels`, `messages` and
 * `private_messages` arrays, and `login.json` with every login.
 *
 * `users` and `channels` are sorted name lists; messages are publication
 * payloads in `(clock, server, seq)` order; logins are
 * `{ id, user, timestamp, clock, server }` in the same order. Rows are
 * streamed from a read snapshot to a temp file in chunks (memory stays
 * bounded), fsynced and renamed over the target, so a reader never sees a
 * half-written file.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  channelMessage,
  columnText,
  type MessageRow,
  privateMessage,
} from "./storage_rows.ts";

const CHUNK_CHARS = 65_536;

/**
 * Writes `data.json` and `login.json` into `dir` from `reader`, which must
 * be inside a read transaction so both files show one snapshot.
 */
export async function writeOriginalExport(
  reader: DatabaseSync,
  dir: string,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeAtomically(`${dir}/data.json`, async (out) => {
    await out.put('{\n"users": [');
    await writeList(out, names(reader, "users"), JSON.stringify);
    await out.put('],\n"channels": [');
    await writeList(out, names(reader, "channels"), JSON.stringify);
    await out.put('],\n"messages": [');
    const messages = arrays(
      reader,
      `SELECT CAST(m.origin AS BLOB), m.seq, m.clock, r.timestamp, r.data
      FROM messages m JOIN records r ON r.origin = m.origin AND r.seq = m.seq
      ORDER BY m.clock, m.origin, m.seq`,
    );
    await writeList(
      out,
      messages,
      (row) => JSON.stringify(channelMessage(messageRow(row))),
    );
    await out.put('],\n"private_messages": [');
    const privates = arrays(
      reader,
      `SELECT CAST(p.origin AS BLOB), p.seq, p.clock, r.timestamp, r.data
      FROM private_messages p JOIN records r ON r.origin = p.origin AND r.seq = p.seq
      ORDER BY p.clock, p.origin, p.seq`,
    );
    await writeList(
      out,
      privates,
      (row) => JSON.stringify(privateMessage(messageRow(row))),
    );
    await out.put("]\n}\n");
  });
  await writeAtomically(`${dir}/login.json`, async (out) => {
    await out.put("[");
    const logins = arrays(
      reader,
      `SELECT CAST(origin AS BLOB), seq, clock, timestamp, CAST(user AS BLOB)
      FROM logins ORDER BY logins.clock, logins.origin, logins.seq`,
    );
    await writeList(out, logins, ([origin, seq, clock, timestamp, user]) => {
      const server = columnText(origin);
      return JSON.stringify({
        id: `${server}:${seq}`,
        user: columnText(user),
        timestamp,
        clock,
        server,
      });
    });
    await out.put("]\n");
  });
  await syncDirectory(dir);
}

function* names(reader: DatabaseSync, table: "users" | "channels") {
  const sql = `SELECT CAST(name AS BLOB) FROM ${table} ORDER BY ${table}.name`;
  for (const [name] of arrays(reader, sql)) yield columnText(name);
}

function arrays(reader: DatabaseSync, sql: string): Iterable<unknown[]> {
  // Rows as arrays cost less than objects in node:sqlite's iterate(); the
  // method exists in Deno 2.9 but is missing from its type definitions.
  const statement = reader.prepare(sql) as StatementSync & {
    setReturnArrays(enabled: boolean): void;
  };
  statement.setReturnArrays(true);
  return statement.iterate() as Iterable<unknown[]>;
}

function messageRow(row: unknown[]): MessageRow {
  const [origin, seq, clock, timestamp, data] = row;
  return {
    origin: origin as Uint8Array,
    seq: seq as number,
    clock: clock as number,
    timestamp: timestamp as number,
    data: data as string,
  };
}

async function writeList<T>(
  out: ChunkWriter,
  rows: Iterable<T>,
  format: (row: T) => string,
): Promise<void> {
  let first = true;
  for (const row of rows) {
    // Awaiting only when a chunk is full keeps the loop synchronous between
    // writes (an await per row would double the export time).
    if (out.add(first ? "\n" + format(row) : ",\n" + format(row))) {
      await out.flush();
    }
    first = false;
  }
  if (!first) await out.put("\n");
}

interface ChunkWriter {
  /** Buffers `text`; true when the buffer should be flushed. */
  add(text: string): boolean;
  /** Writes the buffer out. */
  flush(): Promise<void>;
  /** Buffers `text` and flushes when full. */
  put(text: string): Promise<void>;
}

async function writeAtomically(
  path: string,
  body: (out: ChunkWriter) => Promise<void>,
): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true });
  const encoder = new TextEncoder();
  let buffer = "";
  async function flush(): Promise<void> {
    let bytes = encoder.encode(buffer);
    buffer = "";
    while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
  }
  try {
    await body({
      add(text) {
        buffer += text;
        return buffer.length >= CHUNK_CHARS;
      },
      flush,
      async put(text) {
        buffer += text;
        if (buffer.length >= CHUNK_CHARS) await flush();
      },
    });
    await flush();
    await file.sync();
    file.close();
    await Deno.rename(temp, path);
  } catch (error) {
    try {
      file.close();
    } catch {
      // Already closed after a successful sync; the rename failed instead.
    }
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the renames durable; some file systems refuse, which only costs
  // durability of an export, never correctness of the store.
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // Best effort, see above.
  }
}
