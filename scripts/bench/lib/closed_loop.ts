/**
 * Closed-loop load: `clients` concurrent workers, each doing one request
 * at a time (the next as soon as the previous answered), for a fixed time
 * or until a fixed number of requests was started.
 *
 * @example
 * ```ts
 * import { runClosedLoop } from "./closed_loop.ts";
 * const result = await runClosedLoop({ clients: 2, count: 10, request: async () => {} });
 * result.completed; // 10
 * ```
 *
 * @module
 */

/** What {@linkcode runClosedLoop} needs. */
export interface ClosedLoopOptions {
  /** Concurrent workers. */
  clients: number;
  /** Stop starting requests after this long, ms. */
  durationMs?: number;
  /** Stop after this many requests in all. */
  count?: number;
  /**
   * One request by worker `client` (the `index`-th started overall);
   * resolves true when it succeeded, false (or rejects) when it failed.
   */
  request: (client: number, index: number) => Promise<boolean | void>;
  /** Monotonic time, ms (default `performance.now`). */
  nowMs?: () => number;
}

/** What a closed-loop run did. */
export interface ClosedLoopResult {
  /** Requests that succeeded. */
  completed: number;
  /** Requests that failed or threw. */
  failed: number;
  /** From the first start to the last reply, ms. */
  elapsedMs: number;
  /** Round trip of each successful request, ms. */
  latenciesMs: number[];
  /** The first failure's message, if any. */
  firstError?: string;
}

/** Runs the load (see the module docs); needs `durationMs` or `count`. */
export async function runClosedLoop(
  options: ClosedLoopOptions,
): Promise<ClosedLoopResult> {
  if (options.durationMs === undefined && options.count === undefined) {
    throw new Error("Cannot run a closed loop without durationMs or count");
  }
  const nowMs = options.nowMs ?? (() => performance.now());
  const startMs = nowMs();
  const endMs = startMs + (options.durationMs ?? Infinity);
  const count = options.count ?? Infinity;
  const latenciesMs: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      while (started < count && nowMs() < endMs) {
        const index = started++;
        const sentMs = nowMs();
        let ok: boolean | void;
        try {
          ok = await options.request(client, index);
        } catch (error) {
          ok = false;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        if (ok === false) failed++;
        else latenciesMs.push(nowMs() - sentMs);
      }
    }),
  );
  return {
    completed: latenciesMs.length,
    failed,
    elapsedMs: nowMs() - startMs,
    latenciesMs,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
