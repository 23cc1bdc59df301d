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

async function _fromPs(pid: number): Promise<ProcessIdentity | undefined> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "stat=", "-o", "lstart=", "-o", "args=", "-p", String(pid)],
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
