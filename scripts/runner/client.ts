/**
 * `deno task client`: runs the terminal client against the cluster `deno
 * task up` started, whatever its ports: the endpoints recorded in
 * `.run/cluster.json` are passed as `AGORA_REFERENCE`, `AGORA_SERVERS`,
 * `AGORA_PROXY_SUB` (variables already set win). Without a recorded
 * cluster the client's defaults (the protocol's ports) apply.
 *
 * Usage (the task line): `deno run … scripts/runner/client.ts <deno run
 * flags> client/main.ts [client args]` — everything after this script is
 * handed to `deno run` unchanged, so the client's own permissions stay
 * visible in `deno.json`.
 *
 * @module
 */

import { clientEnv } from "./plan.ts";
import { readClusterState, runPaths } from "./run_state.ts";

/**
 * The environment for the client: the recorded endpoints under `root`,
 * overridden by what `env` already sets.
 */
export async function clientEnvironment(
  root: string,
  env: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const state = await readClusterState(runPaths(root));
  const wired = state === undefined ? {} : clientEnv(state.endpoints);
  return { ...wired, ...env };
}

if (import.meta.main) {
  const env = await clientEnvironment(Deno.cwd(), Deno.env.toObject());
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...Deno.args],
    env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Ctrl-C reaches the client too (same process group); it decides when
  // to exit, and this launcher waits for it.
  Deno.addSignalListener("SIGINT", () => {});
  const status = await child.status;
  Deno.exit(status.signal === null ? status.code : 128 + 2);
}
