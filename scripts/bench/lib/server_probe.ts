/**
 * Reading a running chat server from outside: its `status` counters (the
 * request loop's turns and commits, which show the group-commit batch
 * sizes it achieves), its replication vector, its CPU time and memory.
 *
 * @module
 */

import { BenchClient } from "./bench_client.ts";
import { cpuSeconds, findPidByDataDir, schedStat } from "./procfs.ts";

/** The server's counters that explain throughput. */
export interface ServerCounters {
  /** Request-loop turns run. */
  turns: number;
  /** Requests handled. */
  requests: number;
  /** Commits that stored records: one SQLite transaction, one WAL fsync each. */
  commits: number;
  /** Largest batch of requests in one turn so far. */
  largestBatch: number;
  /** Channel messages stored. */
  messages: number;
  /** The server's CPU seconds (user + system, all threads) so far. */
  cpuSeconds: number;
  /** ms its main thread waited for a CPU so far (run queue). */
  runQueueMs: number;
}

/** The fields of a `status` reply the benchmarks read. */
export interface StatusView {
  /** Server name. */
  name: string;
  /** The coordinator it follows, or null. */
  coordinator: string | null;
  /** Per origin, the highest contiguous seq held. */
  vector: Record<string, number>;
  /** Digest of the whole state. */
  digest: string;
  /** The raw `data` map. */
  raw: Record<string, unknown>;
}

/** Asks `status` and returns the fields the benchmarks read. */
export async function readStatus(
  client: BenchClient,
  timeoutMs?: number,
): Promise<StatusView> {
  const reply = await client.call("status", {}, timeoutMs);
  const data = reply.data;
  if (reply.service !== "status" || typeof data.name !== "string") {
    throw new Error(
      `Unexpected status reply from ${client.endpoint}: ${
        JSON.stringify(data).slice(0, 200)
      }`,
    );
  }
  return {
    name: data.name,
    coordinator: typeof data.coordinator === "string" ? data.coordinator : null,
    vector: (data.vector ?? {}) as Record<string, number>,
    digest: String(data.digest ?? ""),
    raw: data,
  };
}

/** The counters of the server behind `client`, whose process is `pid`. */
export async function readCounters(
  client: BenchClient,
  pid: number,
): Promise<ServerCounters> {
  const { raw } = await readStatus(client);
  const requests = (raw.requests ?? {}) as Record<string, number>;
  const counts = (raw.counts ?? {}) as Record<string, number>;
  return {
    turns: requests.turns ?? NaN,
    requests: requests.requests ?? NaN,
    commits: requests.commits ?? NaN,
    largestBatch: requests.largestBatch ?? NaN,
    messages: counts.messages ?? NaN,
    cpuSeconds: cpuSeconds(pid),
    runQueueMs: schedStat(pid).waitMs,
  };
}

/** The pid of server `name` of a local cluster rooted at `clusterDir`. */
export function serverPid(clusterDir: string, name: string): number {
  const pid = findPidByDataDir(`${clusterDir}/data/${name}`);
  if (pid === undefined) {
    throw new Error(`Cannot find the process of ${name} in ${clusterDir}`);
  }
  return pid;
}

/**
 * Polls `status` until the server at `endpoint` answers (each try bounded
 * by `tryMs`); returns how long that took, ms. Throws after `timeoutMs`.
 */
export async function waitUntilServing(
  endpoint: string,
  timeoutMs = 30_000,
  tryMs = 250,
): Promise<number> {
  const startMs = performance.now();
  const client = new BenchClient(endpoint);
  try {
    for (;;) {
      try {
        await readStatus(client, tryMs);
        return performance.now() - startMs;
      } catch (error) {
        if (performance.now() - startMs > timeoutMs) {
          throw new Error(
            `${endpoint} did not answer status within ${timeoutMs} ms: ${
              error instanceof Error ? error.message : String(error)
            }`,
          );
        }
      }
    }
  } finally {
    client.close();
  }
}
