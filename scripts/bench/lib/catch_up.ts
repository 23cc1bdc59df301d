/**
 * Catch-up rate: one server is stopped (its vector read first), many
 * messages are written to another, the stopped one is restarted, and its
 * `status` is polled from the launch until its vector equals the origin's
 * (then its digest too, which proves the same state). Two rates over the
 * records it missed: server-side, from its log's \`listening\` (store open,
 * sockets bound) to its \`caught_up\` event (no fetch left in flight); and
 * end to end, from the launch of the process to the poll that showed it
 * complete (process start-up included, late by at most one poll).
 * {@linkcode measureCatchUpTrials} repeats that scenario in the same
 * cluster, since one sample on a shared machine is too noisy to judge.
 *
 * @module
 */

import type { LocalCluster } from "@agora/shared/client/testing";
import { BenchClient } from "./bench_client.ts";
import { runClosedLoop } from "./closed_loop.ts";
import { cpuSeconds } from "./procfs.ts";
import { readLogEvents } from "./server_log.ts";
import { readStatus, serverPid, type StatusView } from "./server_probe.ts";

/** What {@linkcode measureCatchUp} needs. */
export interface CatchUpOptions {
  /** The running cluster. */
  cluster: LocalCluster;
  /** The server written to. */
  origin: string;
  /** Another live server that must hold everything before the restart. */
  witness: string;
  /** The server stopped and caught up. */
  lagging: string;
  /** A user that logged in. */
  user: string;
  /** An existing channel. */
  channel: string;
  /** Messages written while `lagging` is down. */
  messages: number;
  /** Concurrent writers. */
  clients: number;
  /** Bytes of message text. */
  messageBytes: number;
  /** Give up after this long, ms (default 120 000). */
  timeoutMs?: number;
  /** Poll period, ms (default 10). */
  pollMs?: number;
}

/** What a catch-up run measured. */
export interface CatchUpResult {
  /** The server that caught up. */
  lagging: string;
  /** Messages written while the server was down. */
  written: number;
  /** Their write rate, per second. */
  writesPerSecond: number;
  /** Records of the origin the server missed. */
  missing: number;
  /** Launch → first \`status\` answer, ms. */
  startupMs: number;
  /** Server log: \`listening\` → \`caught_up\`, ms (NaN if not logged). */
  serverCatchUpMs: number;
  /** \`missing\` over \`serverCatchUpMs\`, per second. */
  serverRecordsPerSecond: number;
  /** Launch → the poll showing the vector equal to the origin's, ms. */
  endToEndMs: number;
  /** \`missing\` over \`endToEndMs\`, per second. */
  endToEndRecordsPerSecond: number;
  /** Vector equal → digest equal, ms (state identical). */
  digestExtraMs: number;
  /** The server's own count of fetched records (\`status.replication.fetched\`). */
  fetched: number;
  /** CPU seconds each server used from the launch to completion. */
  cpuSeconds: Record<string, number>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function endpointOf(cluster: LocalCluster, name: string): string {
  const server = cluster.servers.find((s) => s.name === name);
  if (!server) throw new Error(`No server "${name}" in the cluster`);
  return server.endpoint;
}

function holdsAll(
  status: StatusView,
  target: Record<string, number>,
): boolean {
  return Object.entries(target).every(([origin, seq]) =>
    (status.vector[origin] ?? 0) >= seq
  );
}

/** Runs the measurement (see the module docs). */
export async function measureCatchUp(
  options: CatchUpOptions,
): Promise<CatchUpResult> {
  const { cluster } = options;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 10;
  const origin = new BenchClient(endpointOf(cluster, options.origin));
  const witness = new BenchClient(endpointOf(cluster, options.witness));
  const lagging = new BenchClient(endpointOf(cluster, options.lagging));
  try {
    const heldBefore = (await readStatus(lagging)).vector[options.origin] ?? 0;
    await cluster.stop(options.lagging);
    const written = await write(options);

    const reference = await readStatus(origin);
    const target = reference.vector;
    const deadline = performance.now() + timeoutMs;
    while (!holdsAll(await readStatus(witness), target)) {
      if (performance.now() > deadline) {
        throw new Error(`${options.witness} never caught up with the writes`);
      }
      await sleep(pollMs);
    }

    const peers = [options.origin, options.witness];
    const cpuBefore = new Map(
      peers.map((name) => [name, cpuSeconds(serverPid(cluster.dir, name))]),
    );
    const launchMs = performance.now();
    const launchWallMs = Date.now();
    let restartError: unknown;
    const restarting = cluster.restart(options.lagging).catch((error) => {
      restartError = error;
    });
    let firstMs = NaN;
    let last: StatusView | undefined;
    for (;;) {
      if (performance.now() > launchMs + timeoutMs) {
        throw new Error(
          `${options.lagging} did not catch up in ${timeoutMs} ms`,
        );
      }
      try {
        last = await readStatus(lagging, 500);
      } catch {
        await sleep(pollMs);
        continue;
      }
      if (Number.isNaN(firstMs)) firstMs = performance.now();
      if (holdsAll(last, target)) break;
      await sleep(pollMs);
    }
    const doneMs = performance.now();
    const doneWallMs = Date.now();
    const cpu: Record<string, number> = {};
    for (const name of peers) {
      cpu[name] = cpuSeconds(serverPid(cluster.dir, name)) -
        cpuBefore.get(name)!;
    }
    // The new process's whole life so far: start-up and catch-up.
    cpu[options.lagging] = cpuSeconds(serverPid(cluster.dir, options.lagging));
    await restarting;
    if (restartError !== undefined) throw restartError;
    while (last.digest !== reference.digest) {
      if (performance.now() > launchMs + timeoutMs) {
        throw new Error(
          `${options.lagging} holds the vector but not the digest of ${options.origin}`,
        );
      }
      await sleep(pollMs);
      last = await readStatus(lagging, 2000);
    }
    const digestMs = performance.now();
    const missing = (target[options.origin] ?? 0) - heldBefore;
    const serverCatchUpMs = await serverSideCatchUpMs(
      `${cluster.dir}/logs/${options.lagging}.jsonl`,
      launchWallMs,
      doneWallMs,
    );
    const replication = (last.raw.replication ?? {}) as Record<string, number>;
    return {
      lagging: options.lagging,
      written: written.completed,
      writesPerSecond: written.completed / (written.elapsedMs / 1000),
      missing,
      startupMs: firstMs - launchMs,
      serverCatchUpMs,
      serverRecordsPerSecond: missing / (serverCatchUpMs / 1000),
      endToEndMs: doneMs - launchMs,
      endToEndRecordsPerSecond: missing / ((doneMs - launchMs) / 1000),
      digestExtraMs: digestMs - doneMs,
      fetched: replication.fetched ?? NaN,
      cpuSeconds: cpu,
    };
  } finally {
    origin.close();
    witness.close();
    lagging.close();
  }
}

/**
 * Runs {@linkcode measureCatchUp} `trials` times back to back in the same
 * cluster (each trial leaves the lagging server caught up, ready for the
 * next), calling `onTrial` after each; returns the results in order.
 */
export async function measureCatchUpTrials(
  options: CatchUpOptions,
  trials: number,
  onTrial?: (result: CatchUpResult, trial: number) => void,
): Promise<CatchUpResult[]> {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`trials must be a positive integer, not ${trials}`);
  }
  const results: CatchUpResult[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    const result = await measureCatchUp(options);
    results.push(result);
    onTrial?.(result, trial);
  }
  return results;
}

/** Writes the messages with concurrent clients; throws if any failed. */
async function write(options: CatchUpOptions) {
  const endpoint = endpointOf(options.cluster, options.origin);
  const text = "x".repeat(options.messageBytes);
  const writers = Array.from(
    { length: options.clients },
    () => new BenchClient(endpoint),
  );
  try {
    const written = await runClosedLoop({
      clients: options.clients,
      count: options.messages,
      request: async (client) => {
        const reply = await writers[client].call("publish", {
          user: options.user,
          channel: options.channel,
          message: text,
        });
        return reply.data.status === "OK";
      },
    });
    if (written.failed > 0) {
      throw new Error(
        `${written.failed} writes failed (${written.firstError ?? "refused"})`,
      );
    }
    return written;
  } finally {
    for (const writer of writers) writer.close();
  }
}

/**
 * From the restarted server's log: its last \`listening\` after the launch
 * to its last \`caught_up\` before completion was seen, ms; NaN when either
 * is missing. Log times have ms resolution.
 */
async function serverSideCatchUpMs(
  logPath: string,
  launchWallMs: number,
  doneWallMs: number,
): Promise<number> {
  // The log may lag its process by a moment (buffered writes).
  const deadline = performance.now() + 2000;
  for (;;) {
    const events = await readLogEvents(logPath, ["listening", "caught_up"]);
    // Both clocks are this machine's wall clock; 5 ms of slack for rounding.
    const listening = events.filter((e) =>
      e.event === "listening" && e.atMs >= launchWallMs - 5
    ).at(-1);
    const caughtUp = listening &&
      events.filter((e) =>
        e.event === "caught_up" && e.atMs >= listening.atMs &&
        e.atMs <= doneWallMs + 5
      ).at(-1);
    if (listening && caughtUp) return caughtUp.atMs - listening.atMs;
    if (performance.now() > deadline) return NaN;
    await sleep(50);
  }
}
