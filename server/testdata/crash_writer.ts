/**
 * Child process for `storage_crash_test.ts`: appends batches to a store in
 * a loop and prints each acknowledged batch's last seq on its own line,
 * only after `append` returned (so a printed seq is durable). Stops by
 * itself after `maxBatches`, so it never outlives a failed parent for long.
 *
 * Usage: `deno run --allow-read --allow-write crash_writer.ts <dir> <origin>
 * <batchSize> <maxBatches>`
 *
 * @module
 */

import type { ChatRecord } from "../../shared/record.ts";
import { Store } from "../storage.ts";

/**
 * The record a writer makes for `seq`: its content is a function of the seq
 * so the parent can check every stored record.
 */
export function crashRecord(origin: string, seq: number): ChatRecord {
  const base = { origin, seq, clock: seq, timestamp: 1_700_000_000 + seq };
  if (seq === 1) return { ...base, op: "user", data: { user: "writer" } };
  if (seq === 2) {
    return {
      ...base,
      op: "channel",
      data: { channel: "crash", user: "writer" },
    };
  }
  if (seq % 7 === 0) return { ...base, op: "login", data: { user: "writer" } };
  if (seq % 11 === 0) {
    return {
      ...base,
      op: "message",
      data: { src: "writer", dst: "reader", message: `pm ${seq}` },
    };
  }
  return {
    ...base,
    op: "publish",
    data: { user: "writer", channel: "crash", message: `message ${seq}` },
  };
}

function writeLine(line: string): void {
  let bytes = new TextEncoder().encode(line + "\n");
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

function main(args: string[]): void {
  const [dir, origin, batchText, maxText] = args;
  const batchSize = Number(batchText);
  const maxBatches = Number(maxText);
  const store = Store.open(dir);
  for (let batch = 0; batch < maxBatches; batch++) {
    const first = store.nextSeq(origin);
    const records: ChatRecord[] = [];
    for (let seq = first; seq < first + batchSize; seq++) {
      records.push(crashRecord(origin, seq));
    }
    const last = first + batchSize - 1;
    store.append(records, { clock: last });
    writeLine(String(last));
  }
  store.close();
}

if (import.meta.main) main(Deno.args);
