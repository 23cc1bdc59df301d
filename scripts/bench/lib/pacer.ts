/**
 * Open-loop pacing: start event `i` at `start + i / rate`, whatever
 * happened to the earlier ones (a slow reply does not delay the next send,
 * which would hide latency — coordinated omission). Timers wake about once
 * a millisecond; each wake starts every event already due.
 *
 * @example
 * ```ts
 * import { runPaced } from "./pacer.ts";
 * const started: number[] = [];
 * await runPaced({ ratePerSecond: 1000, count: 5, start: (i) => { started.push(i); } });
 * started; // [0, 1, 2, 3, 4]
 * ```
 *
 * @module
 */

/** What {@linkcode runPaced} needs. */
export interface PacedOptions {
  /** Events per second. */
  ratePerSecond: number;
  /** Events in all. */
  count: number;
  /**
   * Starts event `index`, due at `dueMs` (on the `nowMs` clock); may return
   * a promise, which is not awaited before the next event.
   */
  start: (index: number, dueMs: number) => void | Promise<unknown>;
  /** Monotonic time, ms (default `performance.now`). */
  nowMs?: () => number;
  /** Waits `ms` (default a `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
}

/** What a paced run achieved. */
export interface PacedResult {
  /** Time from the first due time to the last event's start, ms. */
  spanMs: number;
  /** Events started later than due by more than 1 ms. */
  lateCount: number;
  /** The largest lateness, ms. */
  lateMaxMs: number;
}

/**
 * Starts `count` events at `ratePerSecond`, then waits for the promises
 * they returned (rejections are the caller's to handle: they propagate).
 */
export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const nowMs = options.nowMs ?? (() => performance.now());
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const intervalMs = 1000 / options.ratePerSecond;
  const pending: Promise<unknown>[] = [];
  const firstMs = nowMs();
  let lateCount = 0;
  let lateMaxMs = 0;
  let lastStartMs = firstMs;
  for (let index = 0; index < options.count;) {
    const now = nowMs();
    while (index < options.count && firstMs + index * intervalMs <= now) {
      const dueMs = firstMs + index * intervalMs;
      const lateMs = now - dueMs;
      if (lateMs > 1) lateCount++;
      lateMaxMs = Math.max(lateMaxMs, lateMs);
      const started = options.start(index, dueMs);
      if (started) pending.push(started);
      lastStartMs = now;
      index++;
    }
    if (index < options.count) {
      await sleep(Math.max(0, firstMs + index * intervalMs - nowMs()));
    }
  }
  await Promise.all(pending);
  return { spanMs: lastStartMs - firstMs, lateCount, lateMaxMs };
}
