/**
 * Benchmark of the server's durable storage (`@agora/server/storage`):
 * durable append rate in group-commit batches and in single-record
 * transactions, history page latency, and process memory after a bulk
 * load. Every number is measured against a fresh store in a temp dir on
 * the machine's disk, with `synchronous = FULL` (each transaction fsyncs).
 *
 * Run alone: `deno run -A scripts/bench/storage.ts [messages]`.
 *
 * @module
 */

import type { ChatRecord } from "../../shared/record.ts";
import { Store } from "../../server/storage.ts";

/** Sizes of one run; defaults keep it under a minute on a small machine. */
export interface StorageBenchOptions {
  /** Messages stored before measuring reads and memory. */
  messages?: number;
  /** Records per group-commit batch. */
  batchSize?: number;
  /** Batches timed for the batch append rate. */
  batches?: number;
  /** Single-record transactions timed. */
  singles?: number;
}

const ORIGIN = "bench";
const LOAD_BATCH = 5000;

function publish(seq: number, channel: string): ChatRecord {
  return {
    origin: ORIGIN,
    seq,
    clock: seq,
    timestamp: 1_700_000_000 + seq / 1000,
    op: "publish",
    data: {
      user: `user_${seq % 50}`,
      channel,
      message: `benchmark message number ${seq} with some text in it`,
    },
  };
}

function perSecond(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString("en-US");
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/** Runs the benchmark and returns a markdown section with the results. */
export async function run(options: StorageBenchOptions = {}): Promise<string> {
  const messages = options.messages ?? 200_000;
  const batchSize = options.batchSize ?? 32;
  const batches = options.batches ?? 300;
  const singles = options.singles ?? 500;
  const dir = await Deno.makeTempDir({ prefix: "agora_bench_storage_" });
  const store = Store.open(dir);
  try {
    let seq = 0;
    const next = (channel: string) => publish(++seq, channel);

    let started = performance.now();
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: batchSize }, () => next("batch"));
      store.append(batch, { clock: seq });
    }
    const batchMs = performance.now() - started;

    started = performance.now();
    for (let i = 0; i < singles; i++) store.append([next("single")]);
    const singleMs = performance.now() - started;

    const rssBefore = Deno.memoryUsage().rss;
    started = performance.now();
    while (store.counts().messages < messages) {
      const n = Math.min(LOAD_BATCH, messages - store.counts().messages);
      store.append(
        Array.from({ length: n }, () => next(`channel_${seq % 20}`)),
      );
    }
    const loadMs = performance.now() - started;

    const pages = 200;
    const latest = store.channelHistory("channel_7", { limit: 100 });
    started = performance.now();
    let before = latest[0]?.id;
    for (let i = 0; i < pages && before !== undefined; i++) {
      const page = store.channelHistory("channel_7", { limit: 100, before });
      before = page[0]?.id;
    }
    const pageMs = (performance.now() - started) / pages;
    const digestStarted = performance.now();
    store.digest();
    const digestMs = performance.now() - digestStarted;
    const rssAfter = Deno.memoryUsage().rss;
    const exportStarted = performance.now();
    await store.exportOriginal(`${dir}/export`);
    const exportMs = performance.now() - exportStarted;
    const rssExport = Deno.memoryUsage().rss;
    const fileBytes = Deno.statSync(store.path).size;
    const counts = store.counts();

    return [
      "## Storage (`server/storage.ts`, node:sqlite, WAL, synchronous=FULL)",
      "",
      "| measure | result |",
      "|---|---|",
      `| batches of ${batchSize} records, durable | ${
        perSecond(batches * batchSize, batchMs)
      } records/s (${perSecond(batches, batchMs)} commits/s) |`,
      `| single-record transactions, durable | ${
        perSecond(singles, singleMs)
      } commits/s |`,
      `| bulk load in batches of ${LOAD_BATCH} | ${
        perSecond(counts.messages, loadMs)
      } records/s |`,
      `| history page (100, with before) at ${
        counts.messages.toLocaleString("en-US")
      } messages | ${pageMs.toFixed(2)} ms |`,
      `| digest() | ${digestMs.toFixed(3)} ms |`,
      `| RSS before load / after ${
        counts.messages.toLocaleString("en-US")
      } messages | ${mib(rssBefore)} MiB / ${mib(rssAfter)} MiB |`,
      `| database file | ${mib(fileBytes)} MiB |`,
      `| exportOriginal() (RSS after) | ${(exportMs / 1000).toFixed(1)} s (${
        mib(rssExport)
      } MiB) |`,
      "",
    ].join("\n");
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const messages = Deno.args[0] === undefined
    ? undefined
    : Number(Deno.args[0]);
  console.log(await run({ messages }));
}
