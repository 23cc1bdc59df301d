/**
 * The markdown section of the chat-core benchmark (`scripts/bench/core.ts`):
 * targets with met / not met, the tables, and a paragraph on where the
 * time goes computed from the diagnostics.
 *
 * @module
 */

import {
  type CeilingResult,
  PY_ECHO_TARGET,
  SERVER_TARGET,
} from "./ceiling.ts";
import type { DeliveryResult } from "./delivery_latency.ts";
import type { FillResult } from "./fill_store.ts";
import { fitLine } from "./linear_fit.ts";
import { count, ms, table, verdict } from "./markdown.ts";
import type { ProcessMemory } from "./procfs.ts";
import type { ThroughputResult } from "./publish_throughput.ts";
import type { RoundTrips } from "./round_trip.ts";
import { type LatencySummary, median } from "./stats.ts";
import type { StoreCost } from "./store_cost.ts";

/** Targets of the issue "The chat core". */
export const CORE_TARGETS = {
  /** Durable publishes per second per server with 32 clients. */
  publishesPerSecond: 20_000,
  /** p99 publish → subscriber delivery at 1k msg/s, ms. */
  deliveryP99Ms: 5,
  /** Server RSS with 1M messages stored, bytes (200 MB). */
  rssBytes: 200_000_000,
} as const;

/** The sizes the run used (see `CoreBenchOptions`). */
export interface CoreSizes {
  /** Measured time of each throughput run, ms. */
  durationMs: number;
  /** Warm-up, ms. */
  warmupMs: number;
  /** Bytes of message text. */
  messageBytes: number;
  /** Paced rate, per second. */
  pacedRatePerSecond: number;
  /** Messages of the paced run. */
  pacedCount: number;
  /** REQ sockets of the paced run. */
  pacedSenders: number;
  /** Messages stored for the memory reading. */
  storedMessages: number;
  /** History requests before the memory reading. */
  historyRequests: number;
  /** Throughput run with the big store, ms. */
  bigStoreDurationMs: number;
}

/** The memory phase. */
export interface MemoryMeasurements {
  /** Messages stored before the fill. */
  storedBefore: number;
  /** Server memory before the fill. */
  rssBefore: ProcessMemory;
  /** The bulk fill. */
  fill: FillResult;
  /** Restart until serving, ms. */
  restartMs: number;
  /** Messages stored after the restart (the server's count). */
  storedAfter: number;
  /** History page latencies. */
  history: LatencySummary;
  /** History requests that failed or came back short. */
  historyFailures: number;
  /** Messages per history page. */
  historyPage: number;
  /** Server memory after the history requests. */
  rssAfterHistory: ProcessMemory;
  /** Throughput with the big store. */
  bigStore?: ThroughputResult;
  /** Server memory after that. */
  rssAfterWrites?: ProcessMemory;
}

/** Everything the core benchmark measured. */
export interface CoreMeasurements {
  /** Load averages before the suite. */
  loadBefore: string;
  /** Load averages after it. */
  loadAfter: string;
  /** Load averages after each throughput run. */
  loads: string[];
  /** Load averages after the delivery run. */
  deliveryLoad: string;
  /** Raw append + fdatasync latency. */
  fsync: LatencySummary;
  /** One per client count. */
  throughput: ThroughputResult[];
  /** The paced delivery run. */
  delivery: DeliveryResult;
  /** What the server did during it. */
  deliveryServer: DeliveryServerStats;
  /** The memory phase. */
  memory: MemoryMeasurements;
  /** `Store.append` alone. */
  storeCost: StoreCost;
  /** Lone round trips by server configuration and client. */
  roundTrips: RoundTripRow[];
  /** What the machine carries (pyzmq load), or why it was not measured. */
  ceiling?: CeilingResult | { error: string };
}

/** The server during the paced delivery run. */
export interface DeliveryServerStats {
  /** Commits per second. */
  commitsPerSecond: number;
  /** Messages stored per commit. */
  publishesPerCommit: number;
  /** CPU, % of one core. */
  cpuPercent: number;
  /** Main thread waiting for a CPU, % of the time. */
  runQueuePercent: number;
}

/** Lone round trips of one client against one server configuration. */
export interface RoundTripRow {
  /** How the server ran ("as shipped", or the environment it got). */
  server: string;
  /** Which client measured. */
  client: string;
  /** The round trips. */
  trips: RoundTrips;
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} %` : "n/a";
}

/** The section's markdown. */
export function coreReport(o: CoreSizes, m: CoreMeasurements): string {
  return [
    "## Chat core (`scripts/bench/core.ts`)",
    "",
    `One real server process (\`server/main.ts\`) with the reference and the proxy (\`startLocalCluster\`), its store in a temp dir on the machine's disk (SQLite WAL, \`synchronous = FULL\`); the clients run in the benchmark process on the same 2 cores. Messages of ${o.messageBytes} bytes. Load average (1/5/15 min) before: ${m.loadBefore}; after: ${m.loadAfter}.`,
    "",
    targets(o, m),
    "",
    throughputSection(o, m),
    "",
    deliverySection(o, m),
    "",
    memorySection(o, m.memory),
    "",
    diagnosticsSection(m),
    ...(m.ceiling ? ["", ceilingSection(m, m.ceiling)] : []),
  ].join("\n");
}

function targets(o: CoreSizes, m: CoreMeasurements): string {
  const top = m.throughput.at(-1);
  const topRate = top?.publishesPerSecond ?? NaN;
  const { delivery } = m;
  const rssBytes = m.memory.rssAfterHistory.rssKiB * 1024;
  return [
    "### Targets",
    "",
    table(["target", "measured", "result"], [
      [
        `≥ ${
          count(CORE_TARGETS.publishesPerSecond)
        } durable publishes/s per server with ${top?.clients ?? 32} clients`,
        `${count(topRate)} /s`,
        verdict(topRate >= CORE_TARGETS.publishesPerSecond),
      ],
      [
        `p99 delivery < ${CORE_TARGETS.deliveryP99Ms} ms at ${
          count(o.pacedRatePerSecond)
        } msg/s`,
        `${
          ms(delivery.delivery.p99Ms)
        } ms (${delivery.delivered} of ${delivery.sent} delivered)`,
        verdict(
          delivery.delivery.p99Ms < CORE_TARGETS.deliveryP99Ms &&
            delivery.delivered === delivery.sent,
        ),
      ],
      [
        `RSS < 200 MB with ${count(o.storedMessages)} messages stored`,
        `${mib(m.memory.rssAfterHistory.rssKiB)} MiB (${
          (rssBytes / 1e6).toFixed(1)
        } MB) with ${count(m.memory.storedAfter)}`,
        verdict(
          rssBytes < CORE_TARGETS.rssBytes &&
            m.memory.storedAfter >= o.storedMessages,
        ),
      ],
    ]),
  ].join("\n");
}

function throughputSection(o: CoreSizes, m: CoreMeasurements): string {
  return [
    `### Durable publish throughput (closed loop, ${
      o.durationMs / 1000
    } s per row after ${o.warmupMs / 1000} s warm-up)`,
    "",
    "Each client is a REQ socket with one publish outstanding. *commits/s*: the server's group commits (one SQLite transaction and one WAL fsync each, `status.requests.commits`); *per commit*: publishes per commit, the batch the server achieved; *CPU/publish*: the server's CPU time (all threads) per acknowledged publish; *run queue*: share of the time the server's main thread was runnable but waiting for a CPU; *machine CPU stall*: share of the time some task on the machine waited for a CPU (`/proc/pressure/cpu`), i.e. contention from everything else running.",
    "",
    table(
      [
        ">clients",
        ">publishes/s",
        ">p50 ms",
        ">p99 ms",
        ">max ms",
        ">commits/s",
        ">per commit",
        ">server CPU",
        ">CPU/publish µs",
        ">run queue",
        ">client CPU",
        ">machine CPU stall",
        ">failed",
        "load after",
      ],
      m.throughput.map((r, i) => [
        String(r.clients),
        `**${count(r.publishesPerSecond)}**`,
        ms(r.latency.p50Ms),
        ms(r.latency.p99Ms),
        ms(r.latency.maxMs),
        count(r.commitsPerSecond),
        r.publishesPerCommit.toFixed(1),
        percent(r.serverCpuPercent),
        count(r.serverCpuUsPerPublish),
        percent(r.serverRunQueuePercent),
        percent(r.clientCpuPercent),
        percent(r.machineCpuPressurePercent),
        String(r.failed),
        m.loads[i] ?? "",
      ]),
    ),
  ].join("\n");
}

function deliverySection(o: CoreSizes, m: CoreMeasurements): string {
  const d = m.delivery;
  const row = (name: string, s: LatencySummary) => [
    name,
    ms(s.p50Ms),
    ms(s.p99Ms),
    ms(s.maxMs),
    ms(s.meanMs),
  ];
  return [
    `### Publish → subscriber delivery (paced ${
      count(o.pacedRatePerSecond)
    } msg/s, ${count(o.pacedCount)} messages)`,
    "",
    `Open-loop schedule over a pool of ${o.pacedSenders} REQ sockets; the subscriber is a SUB on the proxy's XPUB in the same process; delivery = receive time − the publish request's send time (one monotonic clock). Achieved ${
      count(d.achievedPerSecond)
    } msg/s; ${d.delivered} of ${d.sent} acknowledged messages delivered. The server meanwhile: ${
      count(m.deliveryServer.commitsPerSecond)
    } commits/s, ${
      m.deliveryServer.publishesPerCommit.toFixed(1)
    } messages per commit, ${
      percent(m.deliveryServer.cpuPercent)
    } of one core, its main thread waiting for a CPU ${
      percent(m.deliveryServer.runQueuePercent)
    } of the time. A message reaches the subscriber when its commit is published, just before the replies of that commit go out, so delivery follows the commit cycle. Load after: ${m.deliveryLoad}.`,
    "",
    table(["measure", ">p50 ms", ">p99 ms", ">max ms", ">mean ms"], [
      row("publish → subscriber", d.delivery),
      row("publish round trip (ack)", d.ack),
      row("schedule lag (due → sent)", d.scheduleLag),
    ]),
  ].join("\n");
}

function memorySection(o: CoreSizes, mem: MemoryMeasurements): string {
  const rows: string[][] = [
    [
      `after the runs above (${count(mem.storedBefore)} messages stored)`,
      mib(mem.rssBefore.rssKiB),
      mib(mem.rssBefore.hwmKiB),
    ],
    [
      `restarted with ${
        count(mem.storedAfter)
      } messages, after the history requests`,
      `**${mib(mem.rssAfterHistory.rssKiB)}**`,
      mib(mem.rssAfterHistory.hwmKiB),
    ],
  ];
  if (mem.bigStore && mem.rssAfterWrites) {
    rows.push([
      `then ${count(mem.bigStore.publishesPerSecond)} publishes/s for ${
        o.bigStoreDurationMs / 1000
      } s with ${mem.bigStore.clients} clients (p99 ${
        ms(mem.bigStore.latency.p99Ms)
      } ms, ${mem.bigStore.publishesPerCommit.toFixed(1)} per commit)`,
      mib(mem.rssAfterWrites.rssKiB),
      mib(mem.rssAfterWrites.hwmKiB),
    ]);
  }
  return [
    `### Server memory with ${count(o.storedMessages)} messages`,
    "",
    `The server was stopped and ${
      count(mem.fill.records)
    } publish records (its own origin, consecutive seqs) were written into its data directory with \`Store.append\` in 10k-record transactions (${
      (mem.fill.elapsedMs / 1000).toFixed(1)
    } s; file ${
      (mem.fill.fileBytes / 1048576).toFixed(0)
    } MiB); it was restarted (${
      ms(mem.restartMs)
    } ms until it answered \`status\`) and served ${o.historyRequests} \`history\` pages of ${mem.historyPage} (half the latest, half before a random stored message: p50 ${
      ms(mem.history.p50Ms)
    } ms, p99 ${
      ms(mem.history.p99Ms)
    } ms, ${mem.historyFailures} failed). Memory from \`/proc/<pid>/status\`.`,
    "",
    table(["server state", ">VmRSS MiB", ">VmHWM MiB"], rows),
  ].join("\n");
}

function diagnosticsSection(m: CoreMeasurements): string {
  const top = m.throughput.at(-1);
  const lines = [
    "### Where the time goes",
    "",
  ];
  const rows: string[][] = [
    [
      "disk: 4 KiB append + fdatasync in the data dir",
      ms(m.fsync.p50Ms),
      ms(m.fsync.p99Ms),
    ],
    [
      `\`Store.append\` alone, ${m.storeCost.batchRecords} messages per transaction (${
        count(m.storeCost.cpuUsPerRecord)
      } µs CPU per record, ${count(m.storeCost.recordsPerSecond)} records/s)`,
      ms(m.storeCost.wallMsPerCommit),
      "",
    ],
  ];
  for (const row of m.roundTrips) {
    for (
      const [what, summary] of [
        ["`channels` (read, no commit)", row.trips.read],
        ["`publish` (commit + fsync)", row.trips.publish],
      ] as const
    ) {
      rows.push([
        `lone ${what}: server ${row.server}, ${row.client} client`,
        ms(summary.p50Ms),
        ms(summary.p99Ms),
      ]);
    }
  }
  lines.push(table(["measure", ">p50 ms", ">p99 ms"], rows));
  lines.push("");
  if (top) {
    const ceiling = 1e6 / top.serverCpuUsPerPublish;
    const storeShare = m.storeCost.cpuUsPerRecord /
      top.serverCpuUsPerPublish * 100;
    // Share of wall time the commits' fsyncs take at the p50 fsync latency.
    const fsyncShare = m.fsync.p50Ms * top.commitsPerSecond / 1000 * 100;
    lines.push(
      `At ${top.clients} clients the server acknowledged ${
        count(top.publishesPerSecond)
      } publishes/s in ${count(top.commitsPerSecond)} commits/s (${
        top.publishesPerCommit.toFixed(1)
      } per commit, one fsync each). It spent ${
        count(top.serverCpuUsPerPublish)
      } µs of CPU per publish, of which the store accounts for about ${
        count(m.storeCost.cpuUsPerRecord)
      } µs (${
        storeShare.toFixed(0)
      } %); the rest is the request loop, protocol codec, publications with their HMAC and the ZeroMQ binding. At that cost one fully busy core tops out near ${
        count(ceiling)
      } publishes/s; ${
        count(CORE_TARGETS.publishesPerSecond)
      }/s needs at most ${
        count(1e6 / CORE_TARGETS.publishesPerSecond)
      } µs per publish (the request loop is one thread). At the p50 fsync latency the commits' fsyncs take about ${
        percent(fsyncShare)
      } of the wall time${
        fsyncShare < 50
          ? ", so the disk is not what limits the rate"
          : ", a large part of it"
      }. The server was busy ${
        percent(top.serverCpuPercent)
      } of one core and its main thread waited for a CPU ${
        percent(top.serverRunQueuePercent)
      } of the time; the clients in this process used ${
        percent(top.clientCpuPercent)
      }, and some task on the machine was stalled for a CPU ${
        percent(top.machineCpuPressurePercent)
      } of the time (other work on this shared 2-core machine).`,
    );
    // CPU per commit against publishes per commit, over the rows.
    const line = fitLine(
      m.throughput.map((r) => [
        r.publishesPerCommit,
        r.serverCpuUsPerPublish * r.publishesPerCommit,
      ]),
    );
    if (line && line.slope > 0 && line.intercept > 0) {
      lines.push("");
      lines.push(
        `Split by a least-squares line through the rows (server CPU per commit against publishes per commit): each commit costs about ${
          count(line.intercept)
        } µs of CPU whatever its size, and each publish in it about ${
          count(line.slope)
        } µs more. With ${
          top.publishesPerCommit.toFixed(1)
        } publishes per commit the fixed part is ${
          count(line.intercept / top.publishesPerCommit)
        } µs per publish; even with huge batches the marginal ${
          count(line.slope)
        } µs alone allows about ${
          count(1e6 / line.slope)
        } publishes/s on one core.`,
      );
    }
  }
  const read = (server: string, client: string) =>
    m.roundTrips.find((r) => r.server === server && r.client === client)
      ?.trips.read.p50Ms ?? NaN;
  const servers = [...new Set(m.roundTrips.map((r) => r.server))];
  const clients = [...new Set(m.roundTrips.map((r) => r.client))];
  if (servers.length === 2) {
    const [shipped, tuned] = servers;
    const parts = clients.map((client) =>
      `${client} client ${ms(read(shipped, client))} → ${
        ms(read(tuned, client))
      } ms`
    );
    lines.push("");
    const costs = clients.map((client) =>
      read(tuned, client) - read(shipped, client)
    );
    const saved = costs.every((cost) => cost > 0);
    lines.push(
      `A lone read (nothing to commit) measures the request path without storage. Its p50 with the server ${shipped} (the binding's synchronous waits on) → with the server under ${tuned} (off, every wait a parked poll on the thread pool): ${
        parts.join("; ")
      }. ${
        saved
          ? "Turning the waits off made every client slower: the thread-pool hop a synchronous wait saves is a visible share of a request's time on this machine."
          : "Turning the waits off did not make every client slower in this run: the thread-pool hop they save is within this machine's noise here."
      }`,
    );
  }
  return lines.join("\n");
}

function ceilingSection(
  m: CoreMeasurements,
  ceiling: CeilingResult | { error: string },
): string {
  const heading = "### What this machine carries";
  if ("error" in ceiling) {
    return [heading, "", `Not measured: ${ceiling.error}`].join("\n");
  }
  const rate = (target: string) =>
    median(ceiling.lines.find((l) => l.target === target)?.runs ?? []);
  const echo = rate(PY_ECHO_TARGET);
  const server = rate(SERVER_TARGET);
  const rows = ceiling.lines.map((line) => [
    line.target,
    `**${count(median(line.runs))}**`,
    `${(median(line.runs) / echo).toFixed(2)}×`,
    line.runs.map(count).join(" / "),
    String(line.failed),
  ]);
  const own = m.throughput.find((r) => r.clients === ceiling.clients);
  const lines = [
    heading,
    "",
    `The same closed loop from one pyzmq process (\`peers/py_closed_loop.py\`: ${ceiling.clients} REQ sockets, one request outstanding each) against the server above and against two ROUTERs that echo each request and do nothing else, ${
      ceiling.lines[0]?.runs.length ?? 0
    } rounds interleaved. The echoes are what request/reply over libzmq carries on this machine with these clients on it (pyzmq is a thin layer over libzmq's C API); a server that does work per request cannot exceed them with the same clients.`,
    "",
    table(
      [
        "replies from",
        ">median /s",
        ">vs pyzmq echo",
        "runs",
        ">failed",
      ],
      rows,
    ),
    "",
    targetVsCeiling(server, echo),
    ...(own
      ? [
        "",
        `With this binding's clients instead (the throughput table, same client count) the server reached ${
          count(own.publishesPerSecond)
        }/s, ${
          own.publishesPerSecond < server
            ? `${
              percent((1 - own.publishesPerSecond / server) * 100)
            } less than with pyzmq clients.`
            : "no less than with pyzmq clients."
        }`,
      ]
      : []),
  ];
  return lines.join("\n");
}

/**
 * The target against the echo's ceiling, as time: at `echo` replies/s the
 * machine spends 1/echo s per request on transport and clients; a server
 * meeting the target may add at most 1/target − 1/echo to that.
 */
function targetVsCeiling(server: number, echo: number): string {
  const target = CORE_TARGETS.publishesPerSecond;
  const echoUs = 1e6 / echo;
  const serverUs = 1e6 / server;
  const budgetUs = 1e6 / target - echoUs;
  const start = `The target of ${count(target)} publishes/s is ${
    (target / echo).toFixed(2)
  }× the pyzmq echo's median here. Per request the echo takes ${
    echoUs.toFixed(1)
  } µs of this machine's time (clients and transport included) and the server ${
    serverUs.toFixed(1)
  } µs, so storing, publishing and replying to a message durably adds ${
    (serverUs - echoUs).toFixed(1)
  } µs; `;
  return start +
    (budgetUs <= 0
      ? `the target leaves nothing to add: it is above what this machine carries for a server that does no work at all.`
      : `the target allows ${budgetUs.toFixed(1)} µs on top of the echo (${
        (budgetUs / (serverUs - echoUs) * 100).toFixed(0)
      } % of what the server adds now).`);
}
