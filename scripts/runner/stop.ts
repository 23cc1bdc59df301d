/**
 * Stops a service gracefully: SIGTERM, then SIGKILL if it is still there
 * after a grace period. Only a process whose identity still matches its pid
 * file is ever signalled.
 *
 * @module
 */

import type { PidRecord } from "./pid_file.ts";
import { isSameProcess, readIdentity } from "./process_identity.ts";

/** How a stop went. */
export type StopOutcome = "terminated" | "killed" | "already gone";

/** Options of {@link stopProcess}. */
export interface StopOptions {
  /** Time the process gets to exit after SIGTERM (default 5000 ms). */
  graceMs?: number;
  /** Resolves when the process exits, if the caller is its parent. */
  exited?: Promise<unknown>;
}

const POLL_MS = 50;
/** After SIGKILL the kernel needs a moment; longer means something is wrong. */
const KILL_WAIT_MS = 5000;

/** Sends SIGTERM, waits, then SIGKILL; resolves once the process is gone. */
export async function stopProcess(
  record: PidRecord,
  options: StopOptions = {},
): Promise<StopOutcome> {
  if (!(await _isAlive(record))) return "already gone";
  _signal(record.pid, "SIGTERM");
  if (await _waitGone(record, options.graceMs ?? 5000, options.exited)) {
    return "terminated";
  }
  if (await _isAlive(record)) _signal(record.pid, "SIGKILL");
  if (await _waitGone(record, KILL_WAIT_MS, options.exited)) return "killed";
  throw new Error(
    `${record.name} (pid ${record.pid}) is still running after SIGKILL.`,
  );
}

async function _isAlive(record: PidRecord): Promise<boolean> {
  return isSameProcess(await readIdentity(record.pid), record, record.entry);
}

async function _waitGone(
  record: PidRecord,
  timeoutMs: number,
  exited: Promise<unknown> | undefined,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  exited?.then(() => done = true, () => done = true);
  while (Date.now() < deadline) {
    if (done || !(await _isAlive(record))) {
      // Our own child is reaped only once its status resolves.
      if (exited !== undefined) await exited.catch(() => {});
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}

function _signal(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch (error) {
    // Gone between the check and the signal: that is what we wanted.
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
