/**
 * Who a pid is: its start time and command line, so a pid file whose pid
 * now belongs to another process (pids are reused) is recognised as stale
 * and that process is never signalled.
 *
 * `ps` gives the facts on every OS. (Reading `/proc/<pid>/stat` directly
 * would be faster on Linux, but Deno only allows that under `-A`, and the
 * runner's tasks run with explicit permissions.)
 *
 * @module
 */

/** What identifies a live process. */
export interface ProcessIdentity {
  /** Process id. */
  pid: number;
  /**
   * When it started, as `ps` prints it (`lstart`, one-second resolution).
   */
  started: string;
  /** Its command line. */
  argv: string[];
  /** True when it has exited but was not reaped yet (a zombie). */
  exited: boolean;
}

/** Reads the identity of `pid`, or `undefined` when no such process exists. */
export async function readIdentity(
  pid: number,
): Promise<ProcessIdentity | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return await _fromPs(pid);
}

/**
 * True when `actual` is the process recorded as `expected`: same pid and
 * start time, and a command line that still runs `entry` (the script a
 * service was started with).
 */
export function isSameProcess(
  actual: ProcessIdentity | undefined,
  expected: { pid: number; started: string },
  entry: string,
): boolean {
  return actual !== undefined && !actual.exited &&
    actual.pid === expected.pid && actual.started === expected.started &&
    actual.argv.some((arg) => arg === entry || arg.includes(entry));
}

/** `lstart` is five words ("Wed Nov 26 21:28:01 2025") only in the C locale. */
const PS_ENV = { LC_ALL: "C" };

/**
 * Every process on the machine, from one `ps` listing: how the runner finds
 * a service it started whose pid file was lost or damaged.
 */
export async function listProcesses(): Promise<ProcessIdentity[]> {
  const out = await new Deno.Command("ps", {
    args: ["-e", "-o", "pid=", "-o", "stat=", "-o", "lstart=", "-o", "args="],
    env: PS_ENV,
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) return [];
  return new TextDecoder().decode(out.stdout).split("\n")
    .map(parsePsLine)
    .filter((p): p is ProcessIdentity => p !== undefined);
}

/**
 * Parses one line of `ps -o pid= -o stat= -o lstart= -o args=`;
 * `undefined` for a line that is not one.
 */
export function parsePsLine(line: string): ProcessIdentity | undefined {
  // pid, stat, lstart (always 5 words: "Wed Nov 26 21:28:01 2025"), args.
  const words = line.trim().split(/\s+/);
  const pid = Number(words[0]);
  if (words.length < 8 || !Number.isSafeInteger(pid) || pid <= 0) {
    return undefined;
  }
  return {
    pid,
    started: words.slice(2, 7).join(" "),
    argv: words.slice(7),
    exited: words[1].startsWith("Z"),
  };
}

/**
 * True when a live process runs exactly the command line `argv` (compared
 * as `ps` prints it: words joined by single spaces).
 */
export function runsArgv(
  actual: ProcessIdentity,
  argv: readonly string[],
): boolean {
  return !actual.exited &&
    actual.argv.join(" ") === argv.join(" ").split(/\s+/).join(" ");
}

async function _fromPs(pid: number): Promise<ProcessIdentity | undefined> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "stat=", "-o", "lstart=", "-o", "args=", "-p", String(pid)],
    env: PS_ENV,
    stdout: "piped",
    stderr: "null",
  }).output();
  const line = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || line === "") return undefined;
  // stat, then lstart (always 5 words: "Wed Nov 26 21:28:01 2025"), then args.
  const words = line.split(/\s+/);
  return {
    pid,
    started: words.slice(1, 6).join(" "),
    argv: words.slice(6),
    exited: words[0].startsWith("Z"),
  };
}
