/**
 * The markdown section of the replication benchmark
 * (`scripts/bench/replication.ts`): targets with met / not met, the
 * measurements and how they were taken.
 *
 * @module
 */

import { ELECTION_TIMINGS } from "@agora/shared/election";
import { SYNC_LIMIT_MAX } from "@agora/shared/protocol";
import { PAGES_PER_ORIGIN_DEFAULT } from "@agora/shared/replication_catchup";
import type { CatchUpResult } from "./catch_up.ts";
import { count, ms, table, verdict } from "./markdown.ts";
import type { ReelectionTrial } from "./reelection.ts";
import type { LagResult } from "./replication_lag.ts";
import { type LatencySummary, quantile } from "./stats.ts";

/** Targets of the issue "Coordination and replication". */
export const REPLICATION_TARGETS = {
  /** p99 replication lag, ms. */
  lagP99Ms: 50,
  /** Catch-up, records per second. */
  catchUpPerSecond: 50_000,
  /** Time to a new coordinator, ms. */
  reelectionMs: 3000,
} as const;

/** The sizes the run used (see `ReplicationBenchOptions`). */
export interface ReplicationSizes {
  /** Paced write rate, per second. */
  lagRatePerSecond: number;
  /** Writes of the lag run. */
  lagCount: number;
  /** Unmeasured writes just before it. */
  lagWarmupCount: number;
  /** REQ sockets of the lag run. */
  lagSenders: number;
  /** Messages written while a server was down. */
  catchUpMessages: number;
  /** Their writers. */
  catchUpClients: number;
  /** Catch-up trials. */
  catchUpTrials: number;
  /** Bytes of message text. */
  messageBytes: number;
}

/** Everything the replication benchmark measured. */
export interface ReplicationMeasurements {
  /** Load averages before. */
  loadBefore: string;
  /** After. */
  loadAfter: string;
  /** After the lag run. */
  lagLoad: string;
  /** During the lag run: CPU % of one core per process, and "machine CPU stall" %. */
  lagCpu: Record<string, number>;
  /** After the catch-up trials. */
  catchUpLoad: string;
  /** Share of the suite's time some task waited for a CPU (PSI), %. */
  machineCpuStallPercent: number;
  /** The lag run. */
  lag: LagResult;
  /** The catch-up trials, in order (at least one). */
  catchUp: CatchUpResult[];
  /** The coordinator kills. */
  trials: ReelectionTrial[];
}

/**
 * The rate a catch-up trial is judged by, records/s: the server's own
 * (log \`listening\` → \`caught_up\`) when its log gave it, else end to end.
 */
export function catchUpRate(c: CatchUpResult): number {
  return Number.isFinite(c.serverRecordsPerSecond)
    ? c.serverRecordsPerSecond
    : c.endToEndRecordsPerSecond;
}

/**
 * Index of the median trial by {@linkcode catchUpRate}, by nearest rank
 * (the lower middle one for an even count), so the median is a trial that
 * was actually run and its other figures can be quoted with it.
 */
export function medianTrialIndex(trials: readonly CatchUpResult[]): number {
  if (trials.length === 0) throw new RangeError("No catch-up trial");
  const byRate = trials.map((_, i) => i).sort((a, b) =>
    catchUpRate(trials[a]) - catchUpRate(trials[b])
  );
  return byRate[Math.ceil(byRate.length / 2) - 1];
}

/** The section's markdown. */
export function replicationReport(
  o: ReplicationSizes,
  m: ReplicationMeasurements,
): string {
  const { lag, catchUp, trials } = m;
  const worstAgreeMs = Math.max(...trials.map((t) => t.agreeMs));
  const medianIndex = medianTrialIndex(catchUp);
  const median = catchUp[medianIndex];
  const catchUpMedianRate = catchUpRate(median);
  const endToEndMedianRate = quantile(
    catchUp.map((c) => c.endToEndRecordsPerSecond).sort((a, b) => a - b),
    0.5,
  );
  const missed = new Set(catchUp.map((c) => c.missing));
  const row = (name: string, s: LatencySummary) => [
    name,
    ms(s.p50Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    ms(s.meanMs),
  ];
  return [
    "## Coordination and replication (`scripts/bench/replication.ts`)",
    "",
    `Three real server processes with the reference and the proxy (\`startLocalCluster\`), durable stores in a temp dir, the benchmark's clients in one more process, all on the same 2 cores. Messages of ${o.messageBytes} bytes. Load average (1/5/15 min) before: ${m.loadBefore}; after: ${m.loadAfter}; some task on the machine was stalled waiting for a CPU ${
      m.machineCpuStallPercent.toFixed(0)
    } % of the suite's time (\`/proc/pressure/cpu\`).`,
    "",
    "### Targets",
    "",
    table(["target", "measured", "result"], [
      [
        `replication lag p99 < ${REPLICATION_TARGETS.lagP99Ms} ms at ${
          count(o.lagRatePerSecond)
        } writes/s`,
        `${
          ms(lag.fromSend.p99Ms)
        } ms (write sent → visible on both others; ${lag.unseen} unseen)`,
        verdict(
          lag.fromSend.p99Ms < REPLICATION_TARGETS.lagP99Ms &&
            lag.unseen === 0,
        ),
      ],
      [
        `catch-up ≥ ${count(REPLICATION_TARGETS.catchUpPerSecond)} records/s`,
        `${count(catchUpMedianRate)} /s, median of ${catchUp.length} trials: ${
          catchUp.map(rateLabel).join(" / ")
        } (${
          missed.size === 1
            ? `${count(median.missing)} records each`
            : `${catchUp.map((c) => count(c.missing)).join(" / ")} records`
        }; median ${count(endToEndMedianRate)} /s counting process start-up)`,
        verdict(catchUpMedianRate >= REPLICATION_TARGETS.catchUpPerSecond),
      ],
      [
        `new coordinator < ${
          REPLICATION_TARGETS.reelectionMs / 1000
        } s after the coordinator is killed`,
        `worst ${ms(worstAgreeMs)} ms of ${trials.length} trials`,
        verdict(worstAgreeMs < REPLICATION_TARGETS.reelectionMs),
      ],
    ]),
    "",
    `### Replication lag (paced ${count(o.lagRatePerSecond)} writes/s, ${
      count(o.lagCount)
    } writes to server_1)`,
    "",
    `Method: the servers publish no per-replica event, so visibility is read where it is defined: each server's \`status\` carries \`vector.server_1\`, the highest server_1 seq it holds with no gap below, counted only once the records are committed to its store (so any read there sees them). The benchmark polls \`status\` on server_2 and server_3 back to back (one request outstanding each) while ${o.lagSenders} REQ sockets publish to server_1 on an open-loop schedule, after ${
      count(o.lagWarmupCount)
    } writes at the same rate that are not measured (the servers' first second after start: JIT compilation, cold caches); each publish reply carries its id \`server_1:<seq>\`. A write is visible on a replica at the arrival of the first poll reply whose vector reaches its seq; its lag is the later of the two replicas minus the time the write was sent (this includes server_1's own commit) — an upper bound, late by at most one poll round trip (the resolution, below). Achieved ${
      count(lag.achievedPerSecond)
    } writes/s; ${lag.writes} writes acknowledged, ${lag.unseen} never seen on a replica. CPU during the run, % of one core: ${
      Object.entries(m.lagCpu).map(([name, percent]) =>
        `${name} ${percent.toFixed(0)} %`
      ).join(", ")
    } (the stall is the share of time some task waited for a CPU). Load after: ${m.lagLoad}.`,
    "",
    table(["measure", ">p50 ms", ">p99 ms", ">max ms", ">mean ms"], [
      row("write sent → visible on server_2 and server_3", lag.fromSend),
      row(
        "write acknowledged → visible on both (negative: seen before the ack arrived)",
        lag.fromAck,
      ),
      row("publish round trip at server_1", lag.ack),
      row("status poll round trip (resolution)", lag.poll),
    ]),
    "",
    `### Catch-up of a server that missed ${count(o.catchUpMessages)} messages`,
    "",
    catchUpTable(catchUp, median),
    "",
    `Each trial: server_3's vector was read and it was stopped (SIGTERM); ${
      count(o.catchUpMessages)
    } messages were written to server_1 by ${o.catchUpClients} concurrent REQ clients (durable publishes with one live replica: "writes/s while down") and the benchmark waited until server_2 held them all. server_3 was then restarted, missing those server_1 records. Server-side, from its log's \`listening\` (store open, sockets bound) to its \`caught_up\` event (no fetch left in flight); end to end, from the process launch to the \`status\` poll (every 10 ms) showing its vector equal to server_1's, process start-up included ("first status": launch → its first \`status\` answer); "digest +" is how much later its digest equalled server_1's (identical state). "fetched" is its own count of records fetched with \`sync\`: pages of at most ${
      SYNC_LIMIT_MAX.toLocaleString("en-US")
    } records (\`SYNC_LIMIT_MAX\`), up to ${PAGES_PER_ORIGIN_DEFAULT} consecutive pages of one origin in flight (\`pagesPerOriginMax\`, default ${PAGES_PER_ORIGIN_DEFAULT}, in \`shared/replication_catchup.ts\`: the peer reads the next page while server_3 stores the current one). CPU seconds are from the launch to completion; server_3's include its start-up. The trials run back to back in the same cluster, so each starts from a store holding the previous trials' messages; the target is judged by the median trial's server-side rate (**bold**). Load after the trials: ${m.catchUpLoad}.`,
    "",
    catchUpAnalysis(median, medianIndex + 1, catchUp.length),
    "",
    "### Time to a new coordinator after killing the coordinator",
    "",
    "Each trial: wait until all three servers name the same coordinator, SIGKILL that process (a crash), poll both survivors' `status` every 10 ms until they name the same new coordinator; then restart the killed server and wait until all three agree again.",
    "",
    table(
      [
        ">trial",
        "killed",
        "new coordinator",
        ">first survivor notices, ms",
        ">survivors agree, ms",
        ">restart → all three agree, ms",
        "then coordinator",
      ],
      trials.map((t, i) => [
        String(i + 1),
        t.killed,
        t.elected,
        ms(t.detectMs),
        `**${ms(t.agreeMs)}**`,
        ms(t.rejoinMs),
        t.afterRejoin,
      ]),
    ),
    "",
    `With the default election timings (\`shared/election.ts\`), a survivor gives up on a silent coordinator when its lease (${ELECTION_TIMINGS.coordinatorLeaseMs} ms) has run since the last announcement it heard (they come every ${ELECTION_TIMINGS.announceIntervalMs} ms, so 0–${ELECTION_TIMINGS.announceIntervalMs} ms before the kill), and the winner takes the role once its \`election\` requests to higher-priority servers went unanswered for ${ELECTION_TIMINGS.electionReplyTimeoutMs} ms: the configured waits alone put agreement ${
      ELECTION_TIMINGS.coordinatorLeaseMs -
      ELECTION_TIMINGS.announceIntervalMs +
      ELECTION_TIMINGS.electionReplyTimeoutMs
    }–${
      ELECTION_TIMINGS.coordinatorLeaseMs +
      ELECTION_TIMINGS.electionReplyTimeoutMs
    } ms after the kill; the worst trial took ${ms(worstAgreeMs)} ms.`,
  ].join("\n");
}

/** A trial's judged rate; marked when the log gave no server-side time. */
function rateLabel(c: CatchUpResult): string {
  return Number.isFinite(c.serverRecordsPerSecond)
    ? count(c.serverRecordsPerSecond)
    : `${count(c.endToEndRecordsPerSecond)} (end to end)`;
}

/** One row per catch-up trial; the median trial's rate in bold. */
function catchUpTable(
  catchUp: readonly CatchUpResult[],
  median: CatchUpResult,
): string {
  const lagging = median.lagging;
  return table(
    [
      ">trial",
      ">records missed",
      ">writes/s while down",
      ">listening → caught_up, ms",
      ">records/s server-side",
      ">end to end, ms",
      ">records/s end to end",
      ">first status, ms",
      ">digest +, ms",
      ">fetched",
      `>${lagging} CPU s`,
      ">µs/record",
      "peers' CPU s",
    ],
    catchUp.map((c, i) => {
      const cpu = c.cpuSeconds[c.lagging] ?? NaN;
      const rate = count(c.serverRecordsPerSecond);
      return [
        c === median ? `${i + 1} (median)` : String(i + 1),
        count(c.missing),
        count(c.writesPerSecond),
        ms(c.serverCatchUpMs),
        c === median && Number.isFinite(c.serverRecordsPerSecond)
          ? `**${rate}**`
          : rate,
        ms(c.endToEndMs),
        c === median && !Number.isFinite(c.serverRecordsPerSecond)
          ? `**${count(c.endToEndRecordsPerSecond)}**`
          : count(c.endToEndRecordsPerSecond),
        ms(c.startupMs),
        ms(c.digestExtraMs),
        count(c.fetched),
        cpu.toFixed(2),
        count(cpu * 1e6 / c.missing),
        Object.entries(c.cpuSeconds)
          .filter(([name]) => name !== c.lagging)
          .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
          .join(", "),
      ];
    }),
  );
}

/**
 * Where the catch-up time goes, from the CPU each server used in `c`,
 * trial number `trial` of `trials` (the median one).
 */
function catchUpAnalysis(
  c: CatchUpResult,
  trial: number,
  trials: number,
): string {
  const seconds = c.endToEndMs / 1000;
  const laggingCpu = c.cpuSeconds[c.lagging] ?? NaN;
  const usPerRecord = laggingCpu * 1e6 / c.missing;
  const busy = laggingCpu / seconds * 100;
  const servers = Object.entries(c.cpuSeconds)
    .filter(([name]) => name !== c.lagging)
    .map(([name, cpu]) => `${name} ${(cpu / seconds * 100).toFixed(0)} %`)
    .join(", ");
  const need = 1e6 / REPLICATION_TARGETS.catchUpPerSecond;
  const which = trials > 1 ? ` (trial ${trial}, the median of ${trials})` : "";
  return `Where the time goes${which}: from launch to completion ${c.lagging} was busy ${
    busy.toFixed(0)
  } % of one core (${
    count(usPerRecord)
  } µs of CPU per record, start-up included), the peers ${servers}. ${
    busy >= 70
      ? `The catching-up server's own CPU bounds the rate: decoding and validating each page, staging and storing it in one transaction; ${
        count(REPLICATION_TARGETS.catchUpPerSecond)
      } records/s needs at most ${count(need)} µs per record.`
      : `No process was CPU-bound, so the time goes to waiting: even with up to two pages of an origin in flight, the \`sync\` round trips and the serving peer's reads are not fully overlapped with the catching-up server's stores.`
  }`;
}
