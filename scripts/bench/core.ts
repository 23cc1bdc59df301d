/**
 * Benchmark of the chat core (issue "The chat core" — Performance), against
 * a real server process with its real durable store (SQLite WAL,
 * `synchronous = FULL`: every acknowledged publish was fsynced), started
 * with the reference and the proxy by `startLocalCluster`:
 *
 * 1. durable publish throughput and round-trip latency with 1, 8 and 32
 *    concurrent REQ clients (closed loop, fixed duration), with what the
 *    server did meanwhile (commits = fsyncs per second, publishes per
 *    commit, CPU per publish, time waiting for a CPU);
 * 2. publish → subscriber delivery latency at a paced 1k msg/s, the
 *    subscriber on the proxy like any chat client;
 * 3. server RSS with 1M messages stored: the server is stopped, its store
 *    filled to 1M messages with the server's own `Store`, restarted, asked
 *    for history pages, then `VmRSS` is read from `/proc/<pid>/status`;
 * 4. diagnostics for the targets: raw fsync latency, `Store.append` alone
 *    at the batch size the server achieved, one client's read and publish
 *    round trips, and the same with the ZeroMQ binding's synchronous waits
 *    off in the server (`AGORA_ZMQ_SYNC_WAIT_US=0`; the server turns them
 *    on by default);
 * 5. what the machine carries at all (`lib/ceiling.ts`): the same 32-socket
 *    closed loop from one pyzmq process against the server, a pyzmq ROUTER
 *    echo and this binding's ROUTER echo, rounds interleaved.
 *
 * `deno task bench core` writes the section; run alone:
 * `deno run -A scripts/bench/core.ts`.
 *
 * @module
 */

import { startLocalCluster } from "@agora/shared/client/testing";
import { BenchClient, expectReply } from "./lib/bench_client.ts";
import {
  type CeilingOptions,
  type CeilingResult,
  measureCeiling,
} from "./lib/ceiling.ts";
import {
  type CoreMeasurements,
  coreReport,
  type RoundTripRow,
} from "./lib/core_report.ts";
import { measureDelivery } from "./lib/delivery_latency.ts";
import { fillChannel, type FillResult } from "./lib/fill_store.ts";
import { probeFsync } from "./lib/fsync_probe.ts";
import { count, ms } from "./lib/markdown.ts";
import { loadAverage, memory } from "./lib/procfs.ts";
import {
  measurePublishThroughput,
  type ThroughputResult,
} from "./lib/publish_throughput.ts";
import { measurePyRoundTrips, measureRoundTrips } from "./lib/round_trip.ts";
import {
  readCounters,
  serverPid,
  waitUntilServing,
} from "./lib/server_probe.ts";
import { type LatencySummary, summarize } from "./lib/stats.ts";
import { measureStoreCost } from "./lib/store_cost.ts";

/** Sizes of one run; the defaults are the issue's. */
export interface CoreBenchOptions {
  /** Concurrent clients of each throughput run. */
  clientCounts?: number[];
  /** Measured time of each throughput run, ms. */
  durationMs?: number;
  /** Unmeasured warm-up before each, ms. */
  warmupMs?: number;
  /** Bytes of message text. */
  messageBytes?: number;
  /** Paced publish rate of the delivery run, per second. */
  pacedRatePerSecond?: number;
  /** Messages of the delivery run. */
  pacedCount?: number;
  /** REQ sockets publishing in the delivery run. */
  pacedSenders?: number;
  /** Messages stored when memory is read. */
  storedMessages?: number;
  /** History requests served before memory is read. */
  historyRequests?: number;
  /** Measured time of the throughput run with the big store, ms (0: skip). */
  bigStoreDurationMs?: number;
  /** Sequential round trips per diagnostic measurement (0: skip diagnostics). */
  roundTrips?: number;
  /** Measured time of each run of the machine's ceiling, ms (0: skip). */
  ceilingDurationMs?: number;
  /** Interleaved rounds of the ceiling measurement. */
  ceilingRounds?: number;
}

/** The sizes. */
export const CORE_DEFAULTS: Readonly<Required<CoreBenchOptions>> = {
  clientCounts: [1, 8, 32],
  durationMs: 8000,
  warmupMs: 1000,
  messageBytes: 100,
  pacedRatePerSecond: 1000,
  pacedCount: 10_000,
  pacedSenders: 64,
  storedMessages: 1_000_000,
  historyRequests: 200,
  bigStoreDurationMs: 4000,
  roundTrips: 300,
  ceilingDurationMs: 4000,
  ceilingRounds: 3,
};

const USER = "bench_user";
const CHANNEL = "bench_channel";
const DELIVERY_CHANNEL = "bench_delivery";
const SERVER = "server_1";
const HISTORY_PAGE = 100;
const STORE_COST_COMMITS = 300;
const SYNC_WAITS_OFF = "`AGORA_ZMQ_SYNC_WAIT_US=0`";

/** Runs the suite and returns its markdown section. */
export async function run(options: CoreBenchOptions = {}): Promise<string> {
  const o = { ...CORE_DEFAULTS, ...options };
  const loadBefore = loadAverage();
  const cluster = await startLocalCluster({ servers: 1 });
  const endpoint = cluster.servers[0].endpoint;
  const dataDir = `${cluster.dir}/data/${SERVER}`;
  try {
    await prepare(endpoint);
    let pid = serverPid(cluster.dir, SERVER);
    const fsync = await probeFsync(dataDir);
    log(`fsync p50 ${ms(fsync.p50Ms)} ms, p99 ${ms(fsync.p99Ms)} ms`);

    const throughput: ThroughputResult[] = [];
    const loads: string[] = [];
    for (const clients of o.clientCounts) {
      const result = await measurePublishThroughput({
        endpoint,
        pid,
        clients,
        durationMs: o.durationMs,
        warmupMs: o.warmupMs,
        user: USER,
        channel: CHANNEL,
        messageBytes: o.messageBytes,
      });
      throughput.push(result);
      loads.push(loadAverage());
      log(
        `${clients} clients: ${count(result.publishesPerSecond)}/s, p50 ${
          ms(result.latency.p50Ms)
        } ms, p99 ${ms(result.latency.p99Ms)} ms (load ${loads.at(-1)})`,
      );
    }

    const ceiling = o.ceilingDurationMs > 0
      ? await ceilingOrError({
        endpoint,
        user: USER,
        channel: CHANNEL,
        clients: o.clientCounts.at(-1) ?? 32,
        durationMs: o.ceilingDurationMs,
        warmupMs: o.warmupMs,
        messageBytes: o.messageBytes,
        rounds: o.ceilingRounds,
      })
      : undefined;

    const deliveryProbe = new BenchClient(endpoint);
    const deliveryBefore = await readCounters(deliveryProbe, pid);
    const deliveryStartMs = performance.now();
    const delivery = await measureDelivery({
      endpoint,
      proxySub: cluster.proxySub,
      user: USER,
      channel: DELIVERY_CHANNEL,
      ratePerSecond: o.pacedRatePerSecond,
      count: o.pacedCount,
      senders: o.pacedSenders,
      messageBytes: o.messageBytes,
    });
    const deliveryAfter = await readCounters(deliveryProbe, pid);
    deliveryProbe.close();
    const deliverySeconds = (performance.now() - deliveryStartMs) / 1000;
    const deliveryServer = {
      commitsPerSecond: (deliveryAfter.commits - deliveryBefore.commits) /
        deliverySeconds,
      publishesPerCommit: (deliveryAfter.messages - deliveryBefore.messages) /
        (deliveryAfter.commits - deliveryBefore.commits),
      cpuPercent: (deliveryAfter.cpuSeconds - deliveryBefore.cpuSeconds) /
        deliverySeconds * 100,
      runQueuePercent: (deliveryAfter.runQueueMs - deliveryBefore.runQueueMs) /
        deliverySeconds / 10,
    };
    const deliveryLoad = loadAverage();
    log(
      `delivery p50 ${ms(delivery.delivery.p50Ms)} ms, p99 ${
        ms(delivery.delivery.p99Ms)
      } ms (${delivery.delivered}/${delivery.sent})`,
    );

    const roundTrips: RoundTripRow[] = o.roundTrips > 0
      ? await roundTripRows(endpoint, "as shipped", o)
      : [];

    // Memory with a big store.
    const probe = new BenchClient(endpoint);
    const storedBefore = (await readCounters(probe, pid)).messages;
    probe.close();
    const rssBefore = memory(pid);
    await cluster.stop(SERVER);
    const fill = fillChannel({
      dataDir,
      origin: SERVER,
      user: USER,
      channel: CHANNEL,
      count: Math.max(0, o.storedMessages - storedBefore),
      messageBytes: o.messageBytes,
    });
    log(`filled ${count(fill.records)} in ${ms(fill.elapsedMs)} ms`);
    const restartStartMs = performance.now();
    await cluster.restart(SERVER);
    // The launcher's readiness check can pass on the reference's stale
    // entry for the old process: wait for the new one to answer.
    await waitUntilServing(endpoint);
    const restartMs = performance.now() - restartStartMs;
    pid = serverPid(cluster.dir, SERVER);
    const history = await serveHistory(endpoint, fill, o.historyRequests);
    const after = new BenchClient(endpoint);
    const storedAfter = (await readCounters(after, pid)).messages;
    after.close();
    const rssAfterHistory = memory(pid);
    log(`rss ${(rssAfterHistory.rssKiB / 1024).toFixed(1)} MiB`);
    let bigStore: ThroughputResult | undefined;
    if (o.bigStoreDurationMs > 0) {
      bigStore = await measurePublishThroughput({
        endpoint,
        pid,
        clients: o.clientCounts.at(-1) ?? 32,
        durationMs: o.bigStoreDurationMs,
        warmupMs: Math.min(o.warmupMs, 500),
        user: USER,
        channel: CHANNEL,
        messageBytes: o.messageBytes,
      });
    }
    const rssAfterWrites = memory(pid);

    const batch = Math.max(
      1,
      Math.round(throughput.at(-1)?.publishesPerCommit ?? 1),
    );
    const storeDir = await Deno.makeTempDir({
      dir: cluster.dir,
      prefix: "store_cost_",
    });
    const storeCost = measureStoreCost(
      storeDir,
      batch,
      STORE_COST_COMMITS,
      o.messageBytes,
    );
    const loadAfter = loadAverage();
    if (o.roundTrips > 0) {
      roundTrips.push(...await roundTripsWithoutSyncWaits(o));
    }

    const measured: CoreMeasurements = {
      loadBefore,
      loadAfter,
      loads,
      deliveryLoad,
      fsync,
      throughput,
      delivery,
      deliveryServer,
      memory: {
        storedBefore,
        rssBefore,
        fill,
        restartMs,
        storedAfter,
        history: history.latency,
        historyFailures: history.failures,
        historyPage: HISTORY_PAGE,
        rssAfterHistory,
        ...(bigStore ? { bigStore, rssAfterWrites } : {}),
      },
      storeCost,
      roundTrips,
      ...(ceiling ? { ceiling } : {}),
    };
    return coreReport(o, measured);
  } finally {
    await cluster.close();
  }
}

/** The ceiling, or why it could not be measured (no python3 with pyzmq). */
async function ceilingOrError(
  options: CeilingOptions,
): Promise<CeilingResult | { error: string }> {
  try {
    const result = await measureCeiling(options);
    for (const line of result.lines) {
      log(`ceiling: ${line.target} ${line.runs.map(count).join(" / ")} /s`);
    }
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`ceiling not measured: ${message}`);
    return { error: message };
  }
}

function log(line: string): void {
  console.error(`[bench core] ${line}`);
}

async function prepare(endpoint: string): Promise<void> {
  const control = new BenchClient(endpoint);
  try {
    await expectReply(control, "login", { user: USER }, "sucesso");
    for (const channel of [CHANNEL, DELIVERY_CHANNEL]) {
      await expectReply(control, "channel", { channel, user: USER }, "sucesso");
    }
  } finally {
    control.close();
  }
}

/** Lone round trips from this process's client and from a pyzmq client. */
async function roundTripRows(
  endpoint: string,
  server: string,
  o: Required<CoreBenchOptions>,
): Promise<RoundTripRow[]> {
  const rows: RoundTripRow[] = [{
    server,
    client: "Deno (this binding)",
    trips: await measureRoundTrips(
      endpoint,
      USER,
      CHANNEL,
      o.roundTrips,
      o.messageBytes,
    ),
  }];
  const python = await measurePyRoundTrips(
    endpoint,
    USER,
    CHANNEL,
    o.roundTrips,
    o.messageBytes,
  );
  if (python) rows.push({ server, client: "pyzmq", trips: python });
  return rows;
}

/** A second cluster whose server runs with the binding's synchronous waits off (the server turns them on). */
async function roundTripsWithoutSyncWaits(
  o: Required<CoreBenchOptions>,
): Promise<RoundTripRow[]> {
  const cluster = await startLocalCluster({
    servers: 1,
    serverEnv: { AGORA_ZMQ_SYNC_WAIT_US: "0" },
  });
  try {
    const endpoint = cluster.servers[0].endpoint;
    await prepare(endpoint);
    return await roundTripRows(endpoint, SYNC_WAITS_OFF, o);
  } finally {
    await cluster.close();
  }
}

/** Half latest pages, half pages before a random stored message. */
async function serveHistory(
  endpoint: string,
  fill: FillResult,
  requests: number,
): Promise<{ latency: LatencySummary; failures: number }> {
  const client = new BenchClient(endpoint);
  const latenciesMs: number[] = [];
  let failures = 0;
  // A fixed-seed LCG: the same pages every run.
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  try {
    for (let i = 0; i < requests; i++) {
      const data: Record<string, unknown> = {
        channel: CHANNEL,
        limit: HISTORY_PAGE,
      };
      if (i % 2 === 1 && fill.lastSeq - fill.firstSeq > HISTORY_PAGE) {
        const seq = fill.firstSeq + HISTORY_PAGE +
          Math.floor(random() * (fill.lastSeq - fill.firstSeq - HISTORY_PAGE));
        data.before = `${SERVER}:${seq}`;
      }
      const startMs = performance.now();
      const reply = await client.call("history", data);
      const messages = reply.data.messages;
      if (
        reply.data.status === "sucesso" && Array.isArray(messages) &&
        messages.length === HISTORY_PAGE
      ) {
        latenciesMs.push(performance.now() - startMs);
      } else failures++;
    }
  } finally {
    client.close();
  }
  return { latency: summarize(latenciesMs), failures };
}

if (import.meta.main) {
  console.log(await run());
}
