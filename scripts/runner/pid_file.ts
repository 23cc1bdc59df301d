/**
 * Pid files under `.run/`: one JSON file per service saying which process
 * runs it, with enough identity (start time, command line) to tell a live
 * service from a stale file whose pid was reused by something else.
 *
 * @module
 */

import { isSameProcess, readIdentity } from "./process_identity.ts";

/** The content of `.run/<service>.pid`. */
export interface PidRecord {
  /** Service name. */
  name: string;
  /** Process id. */
  pid: number;
  /** Start time as {@link readIdentity} reports it. */
  started: string;
  /** The entry point it runs (`/repo/server/main.ts`). */
  entry: string;
  /** Its full command line as started. */
  argv: string[];
  /** Wall-clock start, ISO 8601 (for people). */
  startedAt: string;
  /** Where it can be reached, by role. */
  endpoints: Record<string, string>;
  /** Where its stdout and stderr go. */
  outFile: string;
}

/** What a pid file says about its service. */
export type PidState =
  | { state: "stopped" }
  | { state: "running"; record: PidRecord }
  /** The file names a process that is gone or is not ours; `why` says which. */
  | { state: "stale"; record?: PidRecord; why: string };

/** Reads and checks a pid file. Never throws for a missing or bad file. */
export async function readPidState(path: string): Promise<PidState> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { state: "stopped" };
    throw error;
  }
  const record = parsePidRecord(text);
  if (record === undefined) {
    return { state: "stale", why: `${path} is not a valid pid file` };
  }
  const actual = await readIdentity(record.pid);
  if (isSameProcess(actual, record, record.entry)) {
    return { state: "running", record };
  }
  const why = actual === undefined || actual.exited
    ? `pid ${record.pid} has exited`
    : `pid ${record.pid} now belongs to another process (${
      actual.argv.slice(0, 3).join(" ")
    })`;
  return { state: "stale", record, why };
}

/** Parses a pid file's text; `undefined` when it is not one. */
export function parsePidRecord(text: string): PidRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const ok = typeof r.name === "string" && Number.isSafeInteger(r.pid) &&
    (r.pid as number) > 0 && typeof r.started === "string" &&
    typeof r.entry === "string" && Array.isArray(r.argv) &&
    r.argv.every((a) => typeof a === "string") &&
    typeof r.startedAt === "string" && typeof r.outFile === "string" &&
    typeof r.endpoints === "object" && r.endpoints !== null;
  return ok ? value as PidRecord : undefined;
}

/** Writes a pid file atomically (write a temp file, then rename). */
export async function writePidRecord(
  path: string,
  record: PidRecord,
): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(record, null, 2) + "\n");
  await Deno.rename(temp, path);
}

/** Removes a pid file; a missing one is fine. */
export async function removePidFile(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
