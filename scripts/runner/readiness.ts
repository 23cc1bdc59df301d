/**
 * Waits until a started service is ready, by asking it for real (a protocol
 * request, a TCP connection, an HTTP GET, or its first log line), polling
 * until a deadline. Fails early, with the end of its output, when the
 * process dies.
 *
 * @module
 */

import { probeHealth } from "../healthcheck.ts";
import type { ReadinessProbe } from "./plan.ts";
import { readFileRange } from "./file_range.ts";

/** Pause between two probes; a probe itself may take up to its timeout. */
const PROBE_INTERVAL_MS = 100;
/** Longest single probe. */
const PROBE_TIMEOUT_MS = 1000;

/** What {@link waitReady} needs besides the probe. */
export interface ReadyOptions {
  /** Service name, for messages. */
  name: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** Whether the process is still there. */
  alive: () => Promise<boolean>;
  /** The service's stdout/stderr file, quoted when it fails. */
  outFile: string;
  /** Size of the log file (probe `log`) before the process started. */
  logSizeBefore?: number;
}

/**
 * Resolves when `probe` succeeds; rejects with an `Error` saying which
 * service is not ready and why (its last probe error and output lines).
 */
export async function waitReady(
  probe: ReadinessProbe,
  options: ReadyOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "no probe ran";
  while (true) {
    if (!(await options.alive())) {
      throw new Error(
        `${options.name} exited while starting. Last lines of ${options.outFile}:\n${await tailLines(
          options.outFile,
          15,
        )}`,
      );
    }
    const left = deadline - Date.now();
    try {
      await probeOnce(probe, Math.max(100, Math.min(PROBE_TIMEOUT_MS, left)), {
        logSizeBefore: options.logSizeBefore ?? 0,
      });
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${options.name} was not ready after ${options.timeoutMs} ms (${lastError}). Last lines of ${options.outFile}:\n${await tailLines(
          options.outFile,
          15,
        )}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

/**
 * Runs one probe; resolves with a description of what answered, rejects
 * with what failed.
 */
export async function probeOnce(
  probe: ReadinessProbe,
  timeoutMs: number,
  context: { logSizeBefore: number } = { logSizeBefore: 0 },
): Promise<string> {
  switch (probe.kind) {
    case "reference":
    case "server":
    case "tcp":
      return await probeHealth(probe.kind, probe.targets, timeoutMs);
    case "http":
      return await _probeHttp(probe.targets, timeoutMs);
    case "log":
      return await _probeLog(probe.targets, probe.event, context.logSizeBefore);
    default: {
      const never: never = probe;
      throw new Error(`Unknown probe ${JSON.stringify(never)}`);
    }
  }
}

/** Size of a file in bytes, 0 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** The last `count` lines of a text file (empty when it does not exist). */
export async function tailLines(path: string, count: number): Promise<string> {
  let text: string;
  try {
    const file = await Deno.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      const start = Math.max(0, size - 64 * 1024);
      await file.seek(start, Deno.SeekMode.Start);
      const bytes = new Uint8Array(size - start);
      let read = 0;
      while (read < bytes.length) {
        const n = await file.read(bytes.subarray(read));
        if (n === null) break;
        read += n;
      }
      text = new TextDecoder().decode(bytes.subarray(0, read));
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "(no output)";
    throw error;
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.slice(-count).map((l) => `  ${l}`).join("\n");
}

/**
 * `/healthz` must answer 2xx. Until the ui has that route (it answers 404),
 * a 2xx `/` counts too, so the runner works with either ui.
 */
async function _probeHttp(
  targets: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const seen: string[] = [];
  for (const url of targets) {
    try {
      seen.push(await probeHealth("http", [url], timeoutMs));
    } catch (error) {
      const root = new URL("/", url).href;
      if (!/answered 404/.test((error as Error).message) || root === url) {
        throw error;
      }
      seen.push(await probeHealth("http", [root], timeoutMs));
    }
  }
  return seen.join("; ");
}

async function _probeLog(
  targets: readonly string[],
  event: string | readonly string[],
  sizeBefore: number,
): Promise<string> {
  const events: readonly string[] = typeof event === "string" ? [event] : event;
  const seen = new Set<string>();
  for (const path of targets) {
    const text = await _readFrom(path, sizeBefore);
    const found = text.split("\n").map(_loggedEvent).find((logged) =>
      logged !== undefined && events.includes(logged)
    );
    if (found === undefined) {
      const wanted = events.map((e) => `"${e}"`).join(" or ");
      throw new Error(`${path} has no ${wanted} line yet`);
    }
    seen.add(found);
  }
  return `${targets.join(", ")} logged ${
    [...seen].map((e) => `"${e}"`).join(", ")
  }`;
}

/** The `event` of a JSON log line, if it is one. */
function _loggedEvent(line: string): string | undefined {
  try {
    const event = JSON.parse(line)?.event;
    return typeof event === "string" ? event : undefined;
  } catch {
    return undefined;
  }
}

async function _readFrom(path: string, offset: number): Promise<string> {
  try {
    return new TextDecoder().decode(
      await readFileRange(path, offset, 1024 * 1024),
    );
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}
