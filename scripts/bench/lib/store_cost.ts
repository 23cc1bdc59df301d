/**
 * What the durable store alone costs per record: `Store.append` of batches
 * of channel messages (the group commits a server makes), on a scratch
 * store in `dir`, timed for wall time and this process's CPU. Set against
 * the server's CPU per publish it says how much of a publish is storage.
 *
 * @module
 */

import type { ChatRecord } from "../../../shared/record.ts";
import { Store } from "../../../server/storage.ts";
import { cpuSeconds } from "./procfs.ts";

/** What {@linkcode measureStoreCost} found. */
export interface StoreCost {
  /** Records per `append`. */
  batchRecords: number;
  /** CPU per record, µs. */
  cpuUsPerRecord: number;
  /** Wall time per `append` (one transaction, one fsync), ms. */
  wallMsPerCommit: number;
  /** Records per second, one `append` after the other. */
  recordsPerSecond: number;
}

/** Times `commits` appends of `batchRecords` messages of `messageBytes`. */
export function measureStoreCost(
  dir: string,
  batchRecords: number,
  commits: number,
  messageBytes: number,
): StoreCost {
  const store = Store.open(dir);
  try {
    const origin = "cost";
    const text = "x".repeat(messageBytes);
    store.append([
      {
        origin,
        seq: 1,
        clock: 1,
        timestamp: 1,
        op: "user",
        data: { user: "u" },
      },
      {
        origin,
        seq: 2,
        clock: 2,
        timestamp: 1,
        op: "channel",
        data: { channel: "c" },
      },
    ]);
    let seq = 3;
    const cpuBefore = cpuSeconds(Deno.pid);
    const startMs = performance.now();
    for (let c = 0; c < commits; c++) {
      const batch: ChatRecord[] = [];
      for (let i = 0; i < batchRecords; i++, seq++) {
        batch.push({
          origin,
          seq,
          clock: seq,
          timestamp: Date.now() / 1000,
          op: "publish",
          data: { user: "u", channel: "c", message: text },
        });
      }
      store.append(batch, { clock: seq });
    }
    const wallMs = performance.now() - startMs;
    const cpuUs = (cpuSeconds(Deno.pid) - cpuBefore) * 1e6;
    const records = commits * batchRecords;
    return {
      batchRecords,
      cpuUsPerRecord: cpuUs / records,
      wallMsPerCommit: wallMs / commits,
      recordsPerSecond: records / wallMs * 1000,
    };
  } finally {
    store.close();
  }
}
