/**
 * Durable publish throughput of one server: `clients` REQ sockets, each
 * doing publish round trips back to back (one outstanding request each),
 * for a warm-up and then a measured period. Alongside the client-side
 * rate and latencies it records what the server did meanwhile (commits =
 * fsyncs, requests per commit, its CPU use), and this process's CPU use,
 * so a missed target can be traced to disk, server CPU or client CPU.
 *
 * @module
 */

import { BenchClient } from "./bench_client.ts";
import { runClosedLoop } from "./closed_loop.ts";
import { cpuPressureMs, cpuSeconds } from "./procfs.ts";
import { readCounters } from "./server_probe.ts";
import { type LatencySummary, summarize } from "./stats.ts";

/** What {@linkcode measurePublishThroughput} needs. */
export interface ThroughputOptions {
  /** The server's endpoint. */
  endpoint: string;
  /** The server's pid (for its CPU time). */
  pid: number;
  /** Concurrent REQ clients. */
  clients: number;
  /** Measured period, ms. */
  durationMs: number;
  /** Unmeasured period before it, ms. */
  warmupMs: number;
  /** A user that logged in. */
  user: string;
  /** An existing channel. */
  channel: string;
  /** Bytes of message text. */
  messageBytes: number;
}

/** One throughput measurement. */
export interface ThroughputResult {
  /** Concurrent clients. */
  clients: number;
  /** Acknowledged publishes per second. */
  publishesPerSecond: number;
  /** Publish round trips. */
  latency: LatencySummary;
  /** Publishes that failed. */
  failed: number;
  /** First failure, if any. */
  firstError?: string;
  /** Server commits (one fsync each) per second. */
  commitsPerSecond: number;
  /** Publishes per commit (the group-commit batch the server achieved). */
  publishesPerCommit: number;
  /** Server CPU, % of one core. */
  serverCpuPercent: number;
  /** Server CPU per acknowledged publish, µs. */
  serverCpuUsPerPublish: number;
  /** Time the server's main thread waited for a CPU, % of the run. */
  serverRunQueuePercent: number;
  /** This (client) process's CPU, % of one core. */
  clientCpuPercent: number;
  /** Time some task on the machine waited for a CPU (PSI), % of the run. */
  machineCpuPressurePercent: number;
}

/** Runs the measurement (see the module docs). */
export async function measurePublishThroughput(
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const clients = Array.from(
    { length: options.clients },
    () => new BenchClient(options.endpoint),
  );
  const probe = new BenchClient(options.endpoint);
  const text = "x".repeat(options.messageBytes);
  const publish = async (client: number) => {
    const reply = await clients[client].call("publish", {
      user: options.user,
      channel: options.channel,
      message: text,
    });
    if (reply.data.status !== "OK") {
      throw new Error(
        `publish refused: ${JSON.stringify(reply.data).slice(0, 200)}`,
      );
    }
    return true;
  };
  try {
    await runClosedLoop({
      clients: options.clients,
      durationMs: options.warmupMs,
      request: publish,
    });
    const before = await readCounters(probe, options.pid);
    const clientCpuBefore = cpuSeconds(Deno.pid);
    const pressureBefore = cpuPressureMs();
    const result = await runClosedLoop({
      clients: options.clients,
      durationMs: options.durationMs,
      request: publish,
    });
    const clientCpu = cpuSeconds(Deno.pid) - clientCpuBefore;
    const pressureMs = cpuPressureMs() - pressureBefore;
    const after = await readCounters(probe, options.pid);
    const seconds = result.elapsedMs / 1000;
    const commits = after.commits - before.commits;
    return {
      clients: options.clients,
      publishesPerSecond: result.completed / seconds,
      latency: summarize(result.latenciesMs),
      failed: result.failed,
      ...(result.firstError === undefined
        ? {}
        : { firstError: result.firstError }),
      commitsPerSecond: commits / seconds,
      publishesPerCommit: result.completed / commits,
      serverCpuPercent: (after.cpuSeconds - before.cpuSeconds) / seconds * 100,
      serverCpuUsPerPublish: (after.cpuSeconds - before.cpuSeconds) * 1e6 /
        result.completed,
      serverRunQueuePercent: (after.runQueueMs - before.runQueueMs) /
        result.elapsedMs * 100,
      clientCpuPercent: clientCpu / seconds * 100,
      machineCpuPressurePercent: pressureMs / result.elapsedMs * 100,
    };
  } finally {
    for (const client of clients) client.close();
    probe.close();
  }
}
