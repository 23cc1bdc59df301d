/**
 * Starts a service process in the background: in its own session (so it
 * survives the runner's exit and a Ctrl-C in the runner's terminal), with
 * stdin closed and stdout/stderr appended to `logs/<name>.out`.
 *
 * Deno cannot hand a file to a child as its stdout, so a `/bin/sh` wrapper
 * opens the file and `exec`s the service: the pid stays the same, and so
 * does the start time the pid file records.
 *
 * @module
 */

import type { ServicePlan } from "./plan.ts";

/** A started service process. */
export interface SpawnedService {
  /** Its pid. */
  pid: number;
  /**
   * Resolves when it exits, if this process is its parent and keeps it
   * (attached mode); `undefined` when detached.
   */
  exited?: Promise<Deno.CommandStatus>;
}

/** How to start it. */
export interface SpawnOptions {
  /**
   * Detached (default): the runner may exit and the service keeps running.
   * Attached: the caller keeps the child handle and must stop the service
   * before it finishes (tests, the acceptance suite's own cluster).
   */
  detach?: boolean;
}

/**
 * Creates the service's directories and starts it; resolves once the
 * process exists (not once it is ready).
 */
export async function spawnService(
  plan: ServicePlan,
  options: SpawnOptions = {},
): Promise<SpawnedService> {
  const logDir = plan.outFile.slice(0, plan.outFile.lastIndexOf("/"));
  await Deno.mkdir(logDir, { recursive: true });
  if (plan.dataDir !== undefined) {
    await Deno.mkdir(plan.dataDir, { recursive: true });
  }
  await Deno.writeTextFile(
    plan.outFile,
    `--- ${new Date().toISOString()} starting ${plan.name}: ${
      plan.argv.slice(1).join(" ")
    }\n`,
    { append: true },
  );
  const child = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'out="$1"; shift; exec "$@" >>"$out" 2>&1 </dev/null',
      "agora-runner",
      plan.outFile,
      ...plan.argv,
    ],
    cwd: plan.cwd,
    env: plan.env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  if (options.detach ?? true) {
    child.unref();
    // The status is never awaited when detached; keep its rejection quiet.
    child.status.catch(() => {});
    return { pid: child.pid };
  }
  return { pid: child.pid, exited: child.status };
}
