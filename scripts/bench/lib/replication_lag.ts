/**
 * Replication lag: writes paced onto one server (the origin), each
 * acknowledged with its id `<origin>:<seq>`, while every other server's
 * `status` is polled back to back for `vector[origin]`, the highest seq it
 * holds from the origin with no gap below — stored durably, so visible to
 * every read there. A write is visible on a replica at the first poll whose
 * vector reaches its seq; its lag is that time (the latest over the
 * replicas) minus the time the write was sent, or minus the time its
 * acknowledgement arrived. Visibility is timed when the poll's reply
 * arrives, so each figure is an upper bound, late by at most one poll
 * round trip (reported as the resolution).
 *
 * @module
 */

import { BenchClient } from "./bench_client.ts";
import { runPaced } from "./pacer.ts";
import { readStatus } from "./server_probe.ts";
import { type LatencySummary, summarize } from "./stats.ts";

/** One acknowledged write. */
export interface Write {
  /** Its seq at the origin. */
  seq: number;
  /** When its request was sent, ms. */
  sentMs: number;
  /** When its acknowledgement arrived, ms. */
  ackMs: number;
}

/** One poll of a replica: when its reply arrived and what it held. */
export interface Poll {
  /** When the reply arrived, ms (ascending within one replica). */
  atMs: number;
  /** `vector[origin]` in the reply. */
  held: number;
}

/** Lags of the writes seen on every replica, and how many were not. */
export interface LagSamples {
  /** Sent → visible on all replicas, ms, per write seen everywhere. */
  fromSendMs: number[];
  /** Acknowledged → visible on all replicas, ms (negative: seen before the ack arrived). */
  fromAckMs: number[];
  /** Writes some replica was never seen holding. */
  unseen: number;
}

/**
 * The lags of `writes` given each replica's polls (pure). A replica's
 * polls must be in arrival order; `held` may only grow.
 */
export function lagSamples(
  writes: readonly Write[],
  pollsByReplica: readonly (readonly Poll[])[],
): LagSamples {
  const fromSendMs: number[] = [];
  const fromAckMs: number[] = [];
  let unseen = 0;
  for (const write of writes) {
    let visibleMs = -Infinity;
    for (const polls of pollsByReplica) {
      const at = firstHolding(polls, write.seq);
      if (at === undefined) {
        visibleMs = NaN;
        break;
      }
      visibleMs = Math.max(visibleMs, at);
    }
    if (Number.isNaN(visibleMs)) {
      unseen++;
      continue;
    }
    fromSendMs.push(visibleMs - write.sentMs);
    fromAckMs.push(visibleMs - write.ackMs);
  }
  return { fromSendMs, fromAckMs, unseen };
}

/** Arrival time of the first poll holding `seq` (binary search), if any. */
function firstHolding(polls: readonly Poll[], seq: number): number | undefined {
  let low = 0;
  let high = polls.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (polls[mid].held >= seq) high = mid;
    else low = mid + 1;
  }
  return low < polls.length ? polls[low].atMs : undefined;
}

/** What {@linkcode measureReplicationLag} needs. */
export interface LagOptions {
  /** The origin's name. */
  origin: string;
  /** The origin's endpoint. */
  originEndpoint: string;
  /** Every other server's endpoint. */
  replicaEndpoints: string[];
  /** A user that logged in. */
  user: string;
  /** An existing channel. */
  channel: string;
  /** Writes per second. */
  ratePerSecond: number;
  /** Writes in all. */
  count: number;
  /** REQ sockets writing. */
  senders: number;
  /** Bytes of message text. */
  messageBytes: number;
  /** How long to keep polling for the last writes, ms (default 10 000). */
  settleMs?: number;
}

/** What a lag run measured. */
export interface LagResult {
  /** Writes acknowledged. */
  writes: number;
  /** Achieved write rate, per second. */
  achievedPerSecond: number;
  /** Sent → visible on all replicas. */
  fromSend: LatencySummary;
  /** Acknowledged → visible on all replicas. */
  fromAck: LatencySummary;
  /** Write round trips at the origin. */
  ack: LatencySummary;
  /** Poll round trips (the resolution). */
  poll: LatencySummary;
  /** Writes never seen on some replica. */
  unseen: number;
}

/** Runs the measurement (see the module docs). */
export async function measureReplicationLag(
  options: LagOptions,
): Promise<LagResult> {
  const text = "x".repeat(options.messageBytes);
  const writes: Write[] = [];
  const ackMs: number[] = [];
  const pollMs: number[] = [];
  const polls: Poll[][] = options.replicaEndpoints.map(() => []);
  let polling = true;
  let target = Infinity;
  const pollers = options.replicaEndpoints.map(async (endpoint, r) => {
    const client = new BenchClient(endpoint);
    try {
      while (polling) {
        const startMs = performance.now();
        let vector: Record<string, number>;
        try {
          ({ vector } = await readStatus(client, 2000));
        } catch {
          // A lost reply: the client reopened its socket; poll again.
          continue;
        }
        const atMs = performance.now();
        pollMs.push(atMs - startMs);
        const held = vector[options.origin] ?? 0;
        polls[r].push({ atMs, held });
        if (held >= target) return;
      }
    } finally {
      client.close();
    }
  });
  const pool = Array.from(
    { length: options.senders },
    () => new BenchClient(options.originEndpoint),
  );
  const free = [...pool];
  const waiting: ((client: BenchClient) => void)[] = [];
  const paced = await runPaced({
    ratePerSecond: options.ratePerSecond,
    count: options.count,
    start: async () => {
      const client = free.pop() ??
        await new Promise<BenchClient>((resolve) => waiting.push(resolve));
      try {
        const sentMs = performance.now();
        const reply = await client.call("publish", {
          user: options.user,
          channel: options.channel,
          message: text,
        });
        const now = performance.now();
        const id = reply.data.id;
        const match = typeof id === "string" ? /:(\d+)$/.exec(id) : null;
        if (reply.data.status !== "OK" || !match) {
          throw new Error(
            `publish refused or without id: ${
              JSON.stringify(reply.data).slice(0, 200)
            }`,
          );
        }
        writes.push({ seq: Number(match[1]), sentMs, ackMs: now });
        ackMs.push(now - sentMs);
      } finally {
        const next = waiting.shift();
        if (next) next(client);
        else free.push(client);
      }
    },
  }).finally(() => {
    for (const client of pool) client.close();
  });
  target = Math.max(...writes.map((w) => w.seq));
  // Let the pollers see the last writes, bounded.
  const settle = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      polling = false;
      resolve();
    }, options.settleMs ?? 10_000);
    Promise.all(pollers).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  await settle;
  polling = false;
  await Promise.all(pollers);
  const samples = lagSamples(writes, polls);
  return {
    writes: writes.length,
    achievedPerSecond: (options.count - 1) / (paced.spanMs / 1000),
    fromSend: summarize(samples.fromSendMs),
    fromAck: summarize(samples.fromAckMs),
    ack: summarize(ackMs),
    poll: summarize(pollMs),
    unseen: samples.unseen,
  };
}
