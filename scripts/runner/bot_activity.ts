/**
 * A bot's health for `deno task status`. A bot listens on no port, so there
 * is nothing to probe; what says it works is that it keeps publishing. Its
 * JSON-lines log records every acknowledged message (`published`, with the
 * running count `sent`), so the health is the age of the newest such line.
 *
 * @module
 */

import { readFileRange } from "./file_range.ts";

/** Older than this, a running bot's last acknowledged message makes it "quiet". */
export const BOT_QUIET_AFTER_MS = 30_000;

/** Bytes read from the end of a bot's log: many lines of ~250 bytes. */
export const BOT_LOG_TAIL_BYTES = 64 * 1024;

/** What the newest lines of a bot's log say about it. */
export interface BotActivity {
  /** `ok`: a message acknowledged within the threshold; `quiet`: none. */
  health: "ok" | "quiet";
  /** For people: when its last message was acknowledged, and how many so far. */
  detail: string;
}

/**
 * Reads the end of a bot's log (`tail`, possibly starting mid-line) at
 * `nowMs`. Lines that are not JSON (a torn first line) are skipped.
 */
export function botActivity(
  tail: string,
  nowMs: number,
  quietAfterMs = BOT_QUIET_AFTER_MS,
): BotActivity {
  const lines = tail.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line.includes('"published"')) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof record !== "object" || record === null) continue;
    const { event, ts, sent } = record as Record<string, unknown>;
    if (event !== "published" || typeof ts !== "string") continue;
    const atMs = Date.parse(ts);
    if (Number.isNaN(atMs)) continue;
    const ageMs = Math.max(0, nowMs - atMs);
    const count = typeof sent === "number" ? `, ${sent} sent` : "";
    return {
      health: ageMs <= quietAfterMs ? "ok" : "quiet",
      detail: `last message ${_age(ageMs)} ago${count}`,
    };
  }
  return { health: "quiet", detail: "no message acknowledged yet" };
}

function _age(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** The last `bytes` of a file as text ("" if it cannot be read). */
export async function readTail(path: string, bytes: number): Promise<string> {
  try {
    return new TextDecoder().decode(await readFileRange(path, -bytes, bytes));
  } catch {
    return "";
  }
}
