/**
 * The disk's durable-write latency where a store lives: append 4 KiB and
 * `fdatasync` (what SQLite does per WAL commit on Linux), repeatedly. This
 * is the floor under one durable commit; it tells whether a publish rate
 * is bound by the disk or by the CPU.
 *
 * @module
 */

import { type LatencySummary, summarize } from "./stats.ts";

/** Times `rounds` append+fdatasync pairs in a scratch file inside `dir`. */
export async function probeFsync(
  dir: string,
  rounds = 200,
): Promise<LatencySummary> {
  const path = `${dir}/fsync_probe_${crypto.randomUUID()}`;
  const block = new Uint8Array(4096).fill(120);
  const file = await Deno.open(path, { write: true, create: true });
  const samplesMs: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      await file.write(block);
      const startMs = performance.now();
      file.syncDataSync();
      samplesMs.push(performance.now() - startMs);
    }
  } finally {
    file.close();
    await Deno.remove(path);
  }
  return summarize(samplesMs);
}
