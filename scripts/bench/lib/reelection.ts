/**
 * Time to a new coordinator: with every server agreeing on a coordinator,
 * that process is killed with SIGKILL (a crash: no goodbye to anyone), and
 * every survivor's `status` is polled until all of them name the same new
 * coordinator. Then the killed server is restarted and the time until all
 * servers agree again is recorded too (with the bully algorithm the
 * returning server, if it outranks the new coordinator, takes over).
 *
 * @module
 */

import type { LocalCluster } from "@agora/shared/client/testing";
import { BenchClient } from "./bench_client.ts";
import { readStatus, serverPid, waitUntilServing } from "./server_probe.ts";

/** One trial. */
export interface ReelectionTrial {
  /** The coordinator killed. */
  killed: string;
  /** The coordinator the survivors agreed on. */
  elected: string;
  /** Kill → the first survivor no longer naming the killed one, ms. */
  detectMs: number;
  /** Kill → every survivor naming the same new coordinator, ms. */
  agreeMs: number;
  /** Restart of the killed server → all servers agree again, ms. */
  rejoinMs: number;
  /** Who coordinates after the rejoin. */
  afterRejoin: string;
}

/** What {@linkcode measureReelection} needs. */
export interface ReelectionOptions {
  /** The running cluster (all servers up). */
  cluster: LocalCluster;
  /** Trials. */
  trials: number;
  /** Give up on one phase after this long, ms (default 30 000). */
  timeoutMs?: number;
  /** Poll period, ms (default 10). */
  pollMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls the servers' `status` until all answer and name the same
 * coordinator satisfying `accept`; returns it. Unanswered polls retry.
 */
async function agreement(
  clients: Map<string, BenchClient>,
  accept: (coordinator: string) => boolean,
  deadlineMs: number,
  pollMs: number,
  onEach?: (coordinators: (string | null)[]) => void,
): Promise<string> {
  for (;;) {
    if (performance.now() > deadlineMs) {
      throw new Error(
        `No agreement on a coordinator among ${[...clients.keys()].join(", ")}`,
      );
    }
    const seen = await Promise.all(
      [...clients.values()].map((client) =>
        readStatus(client, 300).then((s) => s.coordinator, () => undefined)
      ),
    );
    const answered = seen.filter((c): c is string | null => c !== undefined);
    onEach?.(answered);
    const first = answered[0];
    if (
      answered.length === seen.length && typeof first === "string" &&
      accept(first) && answered.every((c) => c === first)
    ) {
      return first;
    }
    await sleep(pollMs);
  }
}

/** Runs the trials (see the module docs). */
export async function measureReelection(
  options: ReelectionOptions,
): Promise<ReelectionTrial[]> {
  const { cluster } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 10;
  const clients = new Map(
    cluster.servers.map((s) => [s.name, new BenchClient(s.endpoint)]),
  );
  const trials: ReelectionTrial[] = [];
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      const killed = await agreement(
        clients,
        () => true,
        performance.now() + timeoutMs,
        pollMs,
      );
      const pid = serverPid(cluster.dir, killed);
      const survivors = new Map(
        [...clients].filter(([name]) => name !== killed),
      );
      const killMs = performance.now();
      Deno.kill(pid, "SIGKILL");
      let detectMs = NaN;
      const elected = await agreement(
        survivors,
        (c) => c !== killed,
        killMs + timeoutMs,
        pollMs,
        (coordinators) => {
          if (
            Number.isNaN(detectMs) && coordinators.some((c) => c !== killed)
          ) {
            detectMs = performance.now() - killMs;
          }
        },
      );
      const agreeMs = performance.now() - killMs;
      const restartMs = performance.now();
      await cluster.restart(killed);
      const endpoint = cluster.servers.find((s) => s.name === killed)!
        .endpoint;
      await waitUntilServing(endpoint, timeoutMs);
      // The status of the restarted server names a coordinator only once
      // it took part in an election or heard an announcement.
      const afterRejoin = await agreement(
        clients,
        () => true,
        restartMs + timeoutMs,
        pollMs,
      );
      trials.push({
        killed,
        elected,
        detectMs,
        agreeMs,
        rejoinMs: performance.now() - restartMs,
        afterRejoin,
      });
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
  return trials;
}
