/**
 * Benchmark of coordination and replication (issue "Coordination and
 * replication" — Performance) on a real three-server cluster
 * (`startLocalCluster`: reference, proxy and three server processes with
 * durable stores):
 *
 * 1. replication lag at a paced 1k writes/s to server_1: each write's
 *    visibility on server_2 and server_3 is read from their `status`
 *    vector (`vector.server_1` = highest seq held with no gap, durably
 *    stored), polled back to back (see `lib/replication_lag.ts`);
 * 2. catch-up rate: server_3 is stopped, 100k messages are written to
 *    server_1 by 32 concurrent clients, server_3 is restarted and timed
 *    until its vector equals server_1's (then its digest); three trials in
 *    the same cluster, judged by the median;
 * 3. time to a new coordinator: the coordinator is killed (SIGKILL) and
 *    the survivors' `status` polled until they agree on a new one; several
 *    trials, each followed by a restart of the killed server.
 *
 * `deno task bench replication` writes the section; run alone:
 * `deno run -A scripts/bench/replication.ts`.
 *
 * @module
 */

import { startLocalCluster } from "@agora/shared/client/testing";
import { BenchClient, expectReply } from "./lib/bench_client.ts";
import { measureCatchUpTrials } from "./lib/catch_up.ts";
import { count, ms } from "./lib/markdown.ts";
import { cpuPressureMs, cpuSeconds, loadAverage } from "./lib/procfs.ts";
import { measureReelection } from "./lib/reelection.ts";
import { measureReplicationLag } from "./lib/replication_lag.ts";
import { replicationReport } from "./lib/replication_report.ts";
import { readStatus, serverPid } from "./lib/server_probe.ts";

/** Sizes of one run; the defaults are the issue's. */
export interface ReplicationBenchOptions {
  /** Paced write rate of the lag run, per second. */
  lagRatePerSecond?: number;
  /** Writes of the lag run. */
  lagCount?: number;
  /**
   * Writes just before the lag run, at its rate, not measured: the
   * servers' first second after start (JIT compilation, cold caches) is
   * not what a running cluster does.
   */
  lagWarmupCount?: number;
  /** REQ sockets writing in the lag run. */
  lagSenders?: number;
  /** Messages written while a server is down. */
  catchUpMessages?: number;
  /** Concurrent writers of those. */
  catchUpClients?: number;
  /** Catch-up trials (stop, write, restart), judged by their median. */
  catchUpTrials?: number;
  /** Coordinator kills. */
  electionTrials?: number;
  /** Bytes of message text. */
  messageBytes?: number;
}

/** The sizes. */
export const REPLICATION_DEFAULTS: Readonly<
  Required<ReplicationBenchOptions>
> = {
  lagRatePerSecond: 1000,
  lagCount: 10_000,
  lagWarmupCount: 1_000,
  lagSenders: 16,
  catchUpMessages: 100_000,
  catchUpClients: 32,
  catchUpTrials: 3,
  electionTrials: 5,
  messageBytes: 100,
};

const USER = "bench_user";
const CHANNEL = "bench_channel";

/** Runs the suite and returns its markdown section. */
export async function run(
  options: ReplicationBenchOptions = {},
): Promise<string> {
  const o = { ...REPLICATION_DEFAULTS, ...options };
  const loadBefore = loadAverage();
  const pressureStartMs = cpuPressureMs();
  const startMs = performance.now();
  const cluster = await startLocalCluster({ servers: 3 });
  try {
    const [first, second, third] = cluster.servers;
    const control = new BenchClient(first.endpoint);
    try {
      await expectReply(control, "login", { user: USER }, "sucesso");
      await expectReply(
        control,
        "channel",
        { channel: CHANNEL, user: USER },
        "sucesso",
      );
    } finally {
      control.close();
    }
    await converged(cluster.servers.map((s) => s.endpoint));

    const lagRun = (count: number) =>
      measureReplicationLag({
        origin: first.name,
        originEndpoint: first.endpoint,
        replicaEndpoints: [second.endpoint, third.endpoint],
        user: USER,
        channel: CHANNEL,
        ratePerSecond: o.lagRatePerSecond,
        count,
        senders: o.lagSenders,
        messageBytes: o.messageBytes,
      });
    if (o.lagWarmupCount > 0) await lagRun(o.lagWarmupCount);
    const cpuMeter = meterCpu([
      ...cluster.servers.map((s) => ({
        name: s.name,
        pid: serverPid(cluster.dir, s.name),
      })),
      { name: "benchmark clients", pid: Deno.pid },
    ]);
    const lag = await lagRun(o.lagCount);
    const lagCpu = cpuMeter();
    const lagLoad = loadAverage();
    log(
      `lag p50 ${ms(lag.fromSend.p50Ms)} ms, p99 ${
        ms(lag.fromSend.p99Ms)
      } ms (poll ${ms(lag.poll.p50Ms)} ms)`,
    );

    const catchUp = await measureCatchUpTrials(
      {
        cluster,
        origin: first.name,
        witness: second.name,
        lagging: third.name,
        user: USER,
        channel: CHANNEL,
        messages: o.catchUpMessages,
        clients: o.catchUpClients,
        messageBytes: o.messageBytes,
      },
      o.catchUpTrials,
      (c, trial) =>
        log(
          `catch-up trial ${trial}/${o.catchUpTrials}, ${
            count(c.missing)
          } records: server-side ${ms(c.serverCatchUpMs)} ms (${
            count(c.serverRecordsPerSecond)
          }/s), end to end ${ms(c.endToEndMs)} ms`,
        ),
    );
    const catchUpLoad = loadAverage();

    const trials = await measureReelection({
      cluster,
      trials: o.electionTrials,
    });
    for (const t of trials) {
      log(`killed ${t.killed}: ${t.elected} agreed after ${ms(t.agreeMs)} ms`);
    }
    const elapsedMs = performance.now() - startMs;
    return replicationReport(o, {
      loadBefore,
      loadAfter: loadAverage(),
      lagLoad,
      lagCpu,
      catchUpLoad,
      machineCpuStallPercent: (cpuPressureMs() - pressureStartMs) /
        elapsedMs * 100,
      lag,
      catchUp,
      trials,
    });
  } finally {
    await cluster.close();
  }
}

/**
 * Starts measuring the CPU of `processes` and the machine's CPU stall;
 * the returned function gives, since the start, each one's CPU in % of
 * one core and the stall in % of the time (key "machine CPU stall").
 */
function meterCpu(
  processes: { name: string; pid: number }[],
): () => Record<string, number> {
  const startMs = performance.now();
  const pressureMs = cpuPressureMs();
  const before = processes.map((p) => cpuSeconds(p.pid));
  return () => {
    const seconds = (performance.now() - startMs) / 1000;
    const out: Record<string, number> = {};
    processes.forEach((p, i) => {
      out[p.name] = (cpuSeconds(p.pid) - before[i]) / seconds * 100;
    });
    out["machine CPU stall"] = (cpuPressureMs() - pressureMs) / 10 / seconds;
    return out;
  };
}

function log(line: string): void {
  console.error(`[bench replication] ${line}`);
}

/** Waits until every server holds the same digest (setup replicated). */
async function converged(endpoints: string[], timeoutMs = 30_000) {
  const clients = endpoints.map((e) => new BenchClient(e));
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const digests = await Promise.all(
        clients.map((c) => readStatus(c).then((s) => s.digest)),
      );
      if (digests.every((d) => d === digests[0])) return;
      if (performance.now() > deadline) {
        throw new Error("The servers did not converge after the setup");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    for (const client of clients) client.close();
  }
}

if (import.meta.main) {
  console.log(await run());
}
