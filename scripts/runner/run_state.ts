/**
 * The runner's state directory (`.run/` under the root): the last cluster
 * layout (ports and endpoints, so `up server_2` restarts a server where the
 * cluster expects it and `status`, `client` and the acceptance suite find
 * the endpoints), the cluster secret, and a lock so two runner commands do
 * not start or stop the same services at once.
 *
 * @module
 */

import type { ClusterEndpoints } from "./plan.ts";
import type { PortMap } from "./ports.ts";
import { readIdentity } from "./process_identity.ts";

/** `.run/cluster.json`. */
export interface ClusterState {
  /** Ports of every service, by role. */
  ports: PortMap;
  /** Client endpoints. */
  endpoints: ClusterEndpoints;
  /** When `up` wrote it, ISO 8601. */
  updatedAt: string;
}

/** Paths inside a runner root. */
export interface RunPaths {
  /** The root (absolute). */
  root: string;
  /** `.run/`. */
  runDir: string;
  /** `logs/`. */
  logDir: string;
  /** `data/`. */
  dataDir: string;
  /** `.run/cluster.json`. */
  stateFile: string;
  /** `.run/cluster_secret`. */
  secretFile: string;
  /** `.run/lock`. */
  lockFile: string;
  /** `.run/<service>.pid`. */
  pidFile(service: string): string;
}

/** The paths of a runner rooted at `root` (absolute). */
export function runPaths(root: string): RunPaths {
  const runDir = `${root}/.run`;
  return {
    root,
    runDir,
    logDir: `${root}/logs`,
    dataDir: `${root}/data`,
    stateFile: `${runDir}/cluster.json`,
    secretFile: `${runDir}/cluster_secret`,
    lockFile: `${runDir}/lock`,
    pidFile: (service) => `${runDir}/${service}.pid`,
  };
}

/** Reads `.run/cluster.json`; `undefined` when missing or unreadable. */
export async function readClusterState(
  paths: RunPaths,
): Promise<ClusterState | undefined> {
  try {
    const value = JSON.parse(await Deno.readTextFile(paths.stateFile));
    if (
      typeof value?.ports === "object" && typeof value?.endpoints === "object"
    ) {
      return value as ClusterState;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Writes `.run/cluster.json` atomically. */
export async function writeClusterState(
  paths: RunPaths,
  state: ClusterState,
): Promise<void> {
  await Deno.mkdir(paths.runDir, { recursive: true });
  const temp = `${paths.stateFile}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(state, null, 2) + "\n");
  await Deno.rename(temp, paths.stateFile);
}

/** Where a cluster secret came from. */
export type SecretSource = "env" | "file" | "new";

/**
 * The cluster secret: `AGORA_CLUSTER_SECRET` when set, else the one kept in
 * `.run/cluster_secret`, else a new random one (not saved yet: see
 * {@link saveClusterSecret}).
 */
export async function loadClusterSecret(
  paths: RunPaths,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ secret: string; source: SecretSource }> {
  const given = env.AGORA_CLUSTER_SECRET;
  if (given !== undefined && given !== "") {
    return { secret: given, source: "env" };
  }
  try {
    const kept = (await Deno.readTextFile(paths.secretFile)).trim();
    if (kept !== "") return { secret: kept, source: "file" };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return { secret, source: "new" };
}

/** Keeps `secret` in `.run/cluster_secret`, readable by the owner only. */
export async function saveClusterSecret(
  paths: RunPaths,
  secret: string,
): Promise<void> {
  await Deno.mkdir(paths.runDir, { recursive: true });
  await Deno.writeTextFile(paths.secretFile, secret + "\n", { mode: 0o600 });
}

/**
 * Runs `work` holding `.run/lock`. A lock left by a process that is gone is
 * taken over; a live holder makes this throw, naming its pid.
 */
export async function withRunLock<T>(
  paths: RunPaths,
  work: () => Promise<T>,
): Promise<T> {
  await Deno.mkdir(paths.runDir, { recursive: true });
  const me = await readIdentity(Deno.pid);
  const mine = JSON.stringify({ pid: Deno.pid, started: me?.started ?? "" });
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.writeTextFile(paths.lockFile, mine, { createNew: true });
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists) || attempt > 0) {
        if (error instanceof Deno.errors.AlreadyExists) {
          throw new Error(
            `Another runner command holds ${paths.lockFile}; wait for it or remove the file.`,
          );
        }
        throw error;
      }
      const holder = await _lockHolder(paths.lockFile);
      if (holder !== undefined) {
        throw new Error(
          `Another runner command (pid ${holder}) is starting or stopping services in ${paths.root}; wait for it to finish.`,
        );
      }
      await Deno.remove(paths.lockFile).catch(() => {});
    }
  }
  try {
    return await work();
  } finally {
    await Deno.remove(paths.lockFile).catch(() => {});
  }
}

/** The pid holding a lock file, or `undefined` when that process is gone. */
async function _lockHolder(path: string): Promise<number | undefined> {
  try {
    const { pid, started } = JSON.parse(await Deno.readTextFile(path));
    const actual = await readIdentity(pid);
    const alive = actual !== undefined && !actual.exited &&
      actual.started === started;
    return alive ? pid : undefined;
  } catch {
    return undefined;
  }
}
