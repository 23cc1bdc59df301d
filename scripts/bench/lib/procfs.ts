/**
 * What a benchmark reads about processes from Linux `/proc`: the load
 * average, a process's CPU time and memory, and the pid of a chat server
 * started by the cluster launcher (which does not expose it).
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (`USER_HZ`, 100 on Linux). */
export const USER_HZ = 100;

/** The three load averages of `/proc/loadavg` ("1.20 0.80 0.50"), or "n/a". */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "n/a";
  }
}

/**
 * User plus system CPU seconds from the text of `/proc/<pid>/stat`. The
 * command name (field 2) may hold spaces and parentheses, so fields are
 * counted after its last `)`.
 */
export function parseCpuSeconds(statText: string): number {
  const fields = statText.slice(statText.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, so utime (14) and stime (15) are at
  // indexes 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`Cannot read CPU times from "${statText.slice(0, 80)}"`);
  }
  return (utime + stime) / USER_HZ;
}

/** CPU seconds (user + system) used so far by process `pid`. */
export function cpuSeconds(pid: number): number {
  return parseCpuSeconds(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

/** Scheduler times of a process's main thread, from `/proc/<pid>/schedstat`. */
export interface SchedStat {
  /** Time spent running on a CPU, ms. */
  runMs: number;
  /** Time spent runnable but waiting for a CPU (taken by other tasks), ms. */
  waitMs: number;
}

/** Parses `/proc/<pid>/schedstat` ("<run ns> <wait ns> <slices>"). */
export function parseSchedStat(text: string): SchedStat {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(run) || !Number.isFinite(wait)) {
    throw new Error(`Cannot read schedstat "${text.slice(0, 80)}"`);
  }
  return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

/** Scheduler times of process `pid`'s main thread (where JS and SQLite run). */
export function schedStat(pid: number): SchedStat {
  return parseSchedStat(Deno.readTextFileSync(`/proc/${pid}/schedstat`));
}

/**
 * Total time (ms) some task on the machine waited for a CPU, from
 * `/proc/pressure/cpu` (PSI); NaN where unavailable. Its growth over a run
 * divided by the run's length says how contended the machine was.
 */
export function cpuPressureMs(): number {
  try {
    const text = Deno.readTextFileSync("/proc/pressure/cpu");
    const match = /^some .*total=(\d+)$/m.exec(text);
    return match ? Number(match[1]) / 1000 : NaN;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process, KiB. */
export interface ProcessMemory {
  /** `VmRSS`: resident now. */
  rssKiB: number;
  /** `VmHWM`: the highest resident size so far. */
  hwmKiB: number;
}

/** `VmRSS` and `VmHWM` from the text of `/proc/<pid>/status`. */
export function parseMemory(statusText: string): ProcessMemory {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(statusText);
    if (!match) throw new Error(`No ${name} line in /proc/<pid>/status`);
    return Number(match[1]);
  };
  return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
}

/** Memory of process `pid` now. */
export function memory(pid: number): ProcessMemory {
  return parseMemory(Deno.readTextFileSync(`/proc/${pid}/status`));
}

/**
 * The pid of the live process whose environment has
 * `AGORA_DATA_DIR=<dataDir>` (each server of a local cluster has its own
 * data directory), or undefined. Reading other processes' environments
 * needs the same user (or root); unreadable entries are skipped.
 */
export function findPidByDataDir(dataDir: string): number | undefined {
  const wanted = `AGORA_DATA_DIR=${dataDir}`;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let environ: string;
    try {
      environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
    } catch {
      continue;
    }
    // A zombie's environment reads empty, so only live processes match.
    if (environ.split("\0").includes(wanted)) return Number(entry.name);
  }
  return undefined;
}
