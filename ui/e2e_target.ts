/**
 * What the end-to-end tests run against, chosen by the environment:
 *
 * - default (`"local"`): a real cluster of its own — the reference, the
 *   proxy and three chat servers (`startLocalCluster`, free ports, a
 *   temporary directory, fast failure detection) — and the real UI binary
 *   `ui/main.ts` as a child process with the permissions the runner gives
 *   it. Stopping a server stops its process; before the acceptance suite
 *   the target restarts it and starts a bot (the suite looks for one).
 *   Skipped back to the fake while `server/main.ts` does not exist.
 * - `AGORA_E2E_TARGET=fake`: the dev server with the in-memory fake
 *   cluster, in-process.
 * - `AGORA_E2E_URL=<base url>` (`"remote"`): an already running UI in front
 *   of a real cluster. `AGORA_E2E_STOP` is the command that stops one
 *   server (`{server}` is replaced by its name, e.g.
 *   `deno task down {server}`), and `AGORA_E2E_START` optionally the one
 *   that starts it again before the suite runs. Commands are split on
 *   spaces, not run by a shell.
 *
 * @module
 */

import {
  freePorts,
  type LocalCluster,
  ManagedProcess,
  serverAvailable,
  startLocalCluster,
  waitFor,
  WORKSPACE_ROOT,
} from "@agora/shared/client/testing";
import { startDevServer } from "./dev_server.ts";
import { commandArgs, runCommand } from "./real_command_control.ts";

/** A UI to drive, and the failures the tests inject. */
export interface E2eTarget {
  /**
   * `"fake"` (in-process dev server), `"local"` (a real cluster and UI of
   * the test's own) or `"remote"` (`AGORA_E2E_URL`).
   */
  kind: "fake" | "local" | "remote";
  /** Base URL of the UI, without a trailing slash. */
  baseUrl: string;
  /** Stops the named server (the dashboard must then show a re-election). */
  stopServer(name: string): Promise<void>;
  /**
   * Makes the cluster whole for the acceptance suite where the target can:
   * restarts the servers it stopped and starts a bot. Returns the servers
   * restarted. The fake keeps its stopped server (the tests expect the
   * suite to report it).
   */
  prepareSuite(): Promise<string[]>;
  /** Undoes what the tests did and releases everything. */
  close(): Promise<void>;
}

/** Opens the target the environment asks for (see the module doc). */
export async function openE2eTarget(): Promise<E2eTarget> {
  const url = Deno.env.get("AGORA_E2E_URL");
  if (url) return remoteTarget(url.replace(/\/+$/, ""));
  if (Deno.env.get("AGORA_E2E_TARGET") === "fake" || !serverAvailable) {
    return await fakeTarget();
  }
  return await localTarget();
}

async function fakeTarget(): Promise<E2eTarget> {
  const server = await startDevServer({
    port: 0,
    tickMs: 250,
    berkeleyEveryTicks: 2,
    driftMsMax: 2,
    statusIntervalMs: 250,
    testPauseMs: 40,
  });
  return {
    kind: "fake",
    baseUrl: server.url,
    stopServer: (name) => Promise.resolve(server.cluster.stopServer(name)),
    prepareSuite: () => Promise.resolve([]),
    close: () => server.shutdown(),
  };
}

/** Timings that show failures within a couple of seconds. */
const FAST_CLUSTER = {
  servers: 3,
  heartbeatTimeoutMs: 1500,
  serverEnv: {
    AGORA_HEARTBEAT_INTERVAL_MS: "300",
    AGORA_BERKELEY_INTERVAL_MS: "3000",
    AGORA_ANTI_ENTROPY_INTERVAL_MS: "1000",
  },
};

async function localTarget(): Promise<E2eTarget> {
  const cluster = await startLocalCluster(FAST_CLUSTER);
  const children: ManagedProcess[] = [];
  const stopped = new Set<string>();
  const logDir = `${cluster.dir}/logs`;
  const config = `${WORKSPACE_ROOT}deno.json`;
  try {
    const [port] = freePorts(1);
    // The permissions the local runner gives the ui.
    const ui = ManagedProcess.start({
      name: "ui",
      main: `${WORKSPACE_ROOT}ui/main.ts`,
      args: ["--port", String(port), "--status-interval-ms", "500"],
      permissions: [
        "--no-prompt",
        `--allow-net=127.0.0.1:${port}`,
        "--allow-ffi",
        "--allow-env",
        `--allow-read=${WORKSPACE_ROOT}ui,${logDir}`,
        `--allow-write=${logDir}`,
      ],
      env: { ...cluster.clientEnv, AGORA_HTTP_HOST: "127.0.0.1" },
      cwd: cluster.dir,
      config,
    });
    children.push(ui);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (ui.status !== undefined) {
          throw new Error(`the ui exited:\n${ui.output}`);
        }
        const response = await fetch(`${baseUrl}/healthz`);
        await response.body?.cancel();
        return response.ok;
      },
      30_000,
      "the ui to answer /healthz",
      100,
    );
    return {
      kind: "local",
      baseUrl,
      async stopServer(name) {
        await cluster.stop(name);
        stopped.add(name);
      },
      async prepareSuite() {
        const restarted = [...stopped];
        for (const name of restarted) await cluster.restart(name);
        stopped.clear();
        children.push(startBot(cluster, config));
        return restarted;
      },
      async close() {
        // The ui first: it must shut down cleanly while the cluster is up.
        const [uiProcess, ...bots] = children;
        const status = await uiProcess.stop("SIGTERM", 10_000);
        for (const bot of bots) await bot.stop();
        await cluster.close();
        if (!status.success) {
          throw new Error(
            `The ui did not exit cleanly on SIGTERM (${status.code}):\n${uiProcess.output}`,
          );
        }
      },
    };
  } catch (error) {
    for (const child of children) await child.stop();
    await cluster.close();
    throw error;
  }
}

/** A bot chatting as `e2e_bot` every 300 ms, for the suite's bot checks. */
function startBot(cluster: LocalCluster, config: string): ManagedProcess {
  return ManagedProcess.start({
    name: "bot",
    main: `${WORKSPACE_ROOT}bot/main.ts`,
    args: ["--user", "e2e_bot"],
    permissions: [
      "--no-prompt",
      "--allow-ffi",
      "--allow-env",
      `--allow-write=${cluster.dir}/logs`,
    ],
    env: { ...cluster.clientEnv, AGORA_BOT_PACE_MS: "300" },
    cwd: cluster.dir,
    config,
  });
}

function remoteTarget(baseUrl: string): E2eTarget {
  const stopped = new Set<string>();
  const startAll = async () => {
    const template = Deno.env.get("AGORA_E2E_START");
    if (!template) return [];
    const restarted = [...stopped];
    for (const name of restarted) {
      await runCommand(commandArgs(template, name));
    }
    stopped.clear();
    return restarted;
  };
  return {
    kind: "remote",
    baseUrl,
    async stopServer(name) {
      const template = Deno.env.get("AGORA_E2E_STOP");
      if (!template) {
        throw new Error(
          "Set AGORA_E2E_STOP (e.g. 'deno task down {server}') to stop a server",
        );
      }
      await runCommand(commandArgs(template, name));
      stopped.add(name);
    },
    prepareSuite: startAll,
    async close() {
      await startAll();
    },
  };
}
