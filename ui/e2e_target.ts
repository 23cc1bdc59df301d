/**
 * What the end-to-end tests run against: by default the dev server with the
 * in-memory fake cluster, started in-process on a free port; with
 * `AGORA_E2E_URL` set, an already running UI in front of a real cluster.
 *
 * For a real cluster, `AGORA_E2E_STOP` is the command that stops one server
 * (`{server}` is replaced by its name, e.g.
 * `deno task down {server}`), and `AGORA_E2E_START` optionally restarts it
 * when the tests finish. Commands are split on spaces, not run by a shell.
 *
 * @module
 */

import { startDevServer } from "./dev_server.ts";

/** A UI to drive, and the one failure the tests inject. */
export interface E2eTarget {
  /** `"fake"` (in-process dev server) or `"real"` (`AGORA_E2E_URL`). */
  kind: "fake" | "real";
  /** Base URL of the UI, without a trailing slash. */
  baseUrl: string;
  /** Stops the named server (the dashboard must then show a re-election). */
  stopServer(name: string): Promise<void>;
  /** Undoes what the tests did and releases everything. */
  close(): Promise<void>;
}

/** Opens the target the environment asks for (see the module doc). */
export async function openE2eTarget(): Promise<E2eTarget> {
  const url = Deno.env.get("AGORA_E2E_URL");
  if (url) return realTarget(url.replace(/\/+$/, ""));
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
    close: () => server.shutdown(),
  };
}

function realTarget(baseUrl: string): E2eTarget {
  const stopped: string[] = [];
  return {
    kind: "real",
    baseUrl,
    async stopServer(name) {
      const template = Deno.env.get("AGORA_E2E_STOP");
      if (!template) {
        throw new Error(
          "Set AGORA_E2E_STOP (e.g. 'deno task down {server}') to stop a server",
        );
      }
      await run(template, name);
      stopped.push(name);
    },
    async close() {
      const template = Deno.env.get("AGORA_E2E_START");
      if (!template) return;
      for (const name of stopped) await run(template, name);
    },
  };
}

async function run(template: string, server: string): Promise<void> {
  const [command, ...args] = template.split(/\s+/).filter(Boolean)
    .map((part) => part.replaceAll("{server}", server));
  const output = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Command "${template}" for "${server}" failed: ${stderr}`);
  }
}
