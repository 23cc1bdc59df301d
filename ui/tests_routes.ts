/**
 * The tests page API: runs the acceptance suite through the cluster and
 * streams each result as it finishes, then the summary. One run at a time.
 *
 * @module
 */

import { Hono } from "hono";
import type { Cluster, TestResult, TestSummary } from "./cluster.ts";
import { EventRing } from "./event_ring.ts";
import { readJsonObject } from "./request_body.ts";
import { type SseEvent, sseResponse, type StreamSlots } from "./sse.ts";

/** Most results one run may stream (a bound on the run's buffer). */
export const RESULTS_MAX = 1000;

/** What the tests routes need besides the cluster. */
export interface TestsRoutesOptions {
  /** Idle time after which streams send a keep-alive comment. */
  heartbeatMs: number;
  /** Open event streams of the whole app, bounded. */
  streams: StreamSlots;
  /** Current time, milliseconds since the epoch. */
  now: () => number;
  /** Reports unexpected stream failures. */
  log: (error: unknown) => void;
  /** Aborts when the app closes, ending every stream. */
  shutdown: AbortSignal;
}

/** Builds the tests API (mounted under `/api/tests`). */
export function testsRoutes(
  cluster: Cluster,
  options: TestsRoutesOptions,
): Hono {
  const routes = new Hono();
  let running = false;

  routes.get("/state", (c) => c.json({ running }));

  routes.post("/run", async (c) => {
    await readJsonObject(c); // JSON only: keeps cross-site forms out
    if (running) {
      return c.json({ error: "A test run is already in progress" }, 409);
    }
    running = true;
    return sseResponse(
      (signal) =>
        runEvents(cluster, options.now, signal, () => {
          running = false;
        }),
      {
        heartbeatMs: options.heartbeatMs,
        onError: options.log,
        shutdown: options.shutdown,
        slots: options.streams,
        // Also when the browser left before the run started (the
        // generator's `finally` never ran then), or no slot was free.
        onClose: () => {
          running = false;
        },
      },
    );
  });

  return routes;
}

async function* runEvents(
  cluster: Cluster,
  now: () => number,
  signal: AbortSignal,
  finished: () => void,
): AsyncGenerator<SseEvent> {
  const results = new EventRing<TestResult>(RESULTS_MAX);
  const abort = new AbortController();
  const stop = () => abort.abort(new Error("The browser left the test run"));
  signal.addEventListener("abort", stop, { once: true });
  const outcome: { summary?: TestSummary; error?: string } = {};
  const startedMs = now();
  // `then` first, so even a synchronous throw becomes an `error` outcome.
  const run = Promise.resolve()
    .then(() =>
      cluster.runTests((result) => results.push(result), abort.signal)
    )
    .then((summary) => {
      outcome.summary = summary;
    }, (error) => {
      outcome.error = error instanceof Error ? error.message : String(error);
    })
    .finally(() => results.close());
  try {
    yield { event: "start", data: { startedAt: startedMs / 1000 } };
    let cursor = 0;
    while (!signal.aborted) {
      for (const { seq, value } of results.readAfter(cursor).items) {
        cursor = seq;
        yield { event: "result", data: value };
      }
      if (results.closed && results.lastSeq === cursor) break;
      await results.waitAfter(cursor, signal);
    }
    await run;
    if (outcome.error !== undefined) {
      yield { event: "run_error", data: { message: outcome.error } };
    } else if (outcome.summary !== undefined) {
      yield { event: "summary", data: outcome.summary };
    }
  } finally {
    signal.removeEventListener("abort", stop);
    stop();
    await run;
    finished();
  }
}
