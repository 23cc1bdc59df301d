/**
 * Reading a server's JSON lines log (`<log dir>/<name>.jsonl`, lines
 * `{ts, level, svc, event, ...fields}` with `ts` an ISO time), for the
 * moments only the server knows (when it started listening, when a
 * catch-up ended). Lines that are not JSON are skipped.
 *
 * @module
 */

/** One log line. */
export interface LogEvent {
  /** Its time, ms since the epoch. */
  atMs: number;
  /** Its event name. */
  event: string;
  /** Every field of the line. */
  fields: Record<string, unknown>;
}

/** The events named in `events` from the log text, in file order. */
export function parseLogEvents(
  text: string,
  events: readonly string[],
): LogEvent[] {
  const wanted = new Set(events);
  const out: LogEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof fields !== "object" || fields === null) continue;
    const event = fields.event;
    const atMs = typeof fields.ts === "string" ? Date.parse(fields.ts) : NaN;
    if (typeof event !== "string" || !wanted.has(event) || Number.isNaN(atMs)) {
      continue;
    }
    out.push({ atMs, event, fields });
  }
  return out;
}

/** The events named in `events` from the log file at `path` (none if unreadable). */
export async function readLogEvents(
  path: string,
  events: readonly string[],
): Promise<LogEvent[]> {
  try {
    return parseLogEvents(await Deno.readTextFile(path), events);
  } catch {
    return [];
  }
}
