/**
 * The acceptance suite: the original `test.py`'s nine categories, run
 * in-process against a live cluster, each with a deadline, each result
 * streamed as it finishes.
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import { botMessagesCheck, botsCheck } from "./checks/bots.ts";
import { channelsCheck } from "./checks/channels.ts";
import { clientServicesCheck } from "./checks/client_services.ts";
import { electionCheck } from "./checks/election.ts";
import { lamportCheck } from "./checks/lamport.ts";
import { referenceCheck } from "./checks/reference.ts";
import { replicationCheck } from "./checks/replication.ts";
import { serversCheck } from "./checks/servers.ts";
import { CheckContext, type RunSettings } from "./context.ts";
import type {
  AcceptanceCheck,
  AcceptanceOptions,
  TestResult,
  TestSummary,
} from "./types.ts";

/** The nine checks, in run order. */
export const ACCEPTANCE_CHECKS: readonly AcceptanceCheck[] = Object.freeze([
  referenceCheck,
  serversCheck,
  clientServicesCheck,
  electionCheck,
  botsCheck,
  botMessagesCheck,
  channelsCheck,
  lamportCheck,
  replicationCheck,
]);

/**
 * Runs the suite against the cluster at `options.endpoints`, calling
 * `onResult` as each test finishes; resolves with the summary (it does not
 * reject because a test failed). Rejects with the signal's reason when
 * `signal` aborts (between tests, or cutting the running one short), and
 * with a `TypeError` for inconsistent options (`disruptive` without
 * `control`, an unknown id in `only`).
 *
 * @example
 * ```ts ignore
 * import { runAcceptance } from "@agora/scripts/acceptance";
 * const summary = await runAcceptance({
 *   endpoints: {
 *     reference: "tcp://127.0.0.1:5559",
 *     proxySub: "tcp://127.0.0.1:5558",
 *     servers: { server_1: "tcp://127.0.0.1:5555" },
 *   },
 *   onResult: (r) => console.log(r.passed ? "ok" : "FAIL", r.name, r.message),
 * });
 * console.log(`${summary.passed}/${summary.total}`);
 * ```
 */
export async function runAcceptance(
  options: AcceptanceOptions,
): Promise<TestSummary> {
  if (options.disruptive && options.control === undefined) {
    throw new TypeError(
      "A disruptive run needs `control` to stop and start servers.",
    );
  }
  const checks = selectChecks(options.only);
  const settings: RunSettings = {
    endpoints: options.endpoints,
    secret: options.secret,
    disruptive: options.disruptive ?? false,
    control: options.control,
    bots: options.bots ?? [],
    botsExpected: options.botsExpected ??
      Math.max(1, options.bots?.length ?? 0),
    runId: options.runId ?? crypto.randomUUID().replaceAll("-", "").slice(0, 8),
    timeScale: options.timeScale ?? 1,
    clock: new LamportClock(),
  };
  const startMs = performance.now();
  const tests: TestSummary["tests"] = {};
  let passed = 0;
  for (const check of checks) {
    options.signal?.throwIfAborted();
    const result = await runCheck(check, settings, options.signal);
    options.signal?.throwIfAborted();
    tests[result.name] = {
      passed: result.passed,
      message: result.message,
      duration: result.duration,
      ...(result.partial ? { partial: true } : {}),
    };
    if (result.passed) passed++;
    options.onResult?.(result);
  }
  return {
    passed,
    total: checks.length,
    duration: Math.round(performance.now() - startMs),
    tests,
  };
}

/** The checks `only` names (all when absent), in run order. */
export function selectChecks(
  only: readonly string[] | undefined,
): AcceptanceCheck[] {
  if (only === undefined || only.length === 0) return [...ACCEPTANCE_CHECKS];
  const ids = new Set(ACCEPTANCE_CHECKS.map((c) => c.id));
  const unknown = only.filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown test id(s) ${unknown.join(", ")}; the ids are ${
        [...ids].join(", ")
      }.`,
    );
  }
  return ACCEPTANCE_CHECKS.filter((c) => only.includes(c.id));
}

/**
 * Runs one check with its deadline; never rejects for a failing check
 * (only when `signal` aborts).
 */
export async function runCheck(
  check: AcceptanceCheck,
  settings: RunSettings,
  signal?: AbortSignal,
): Promise<TestResult> {
  const startMs = performance.now();
  const limitMs = Math.round(check.timeoutMs * settings.timeScale);
  const deadline = new AbortController();
  const onAbort = () => deadline.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ctx = new CheckContext(settings, deadline.signal);
  let passed = false;
  let partial = false;
  let message: string;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(
          `Did not finish within its ${limitMs} ms deadline.`,
        );
        deadline.abort(error);
        reject(error);
      }, limitMs);
    });
    const running = check.run(ctx);
    // A check cut short by its deadline may still settle later: keep quiet.
    running.catch(() => {});
    const outcome = await Promise.race([running, expired]);
    if (typeof outcome === "string") {
      message = outcome;
    } else {
      message = outcome.message;
      partial = outcome.partial;
    }
    passed = true;
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    await ctx.close();
  }
  return {
    name: check.name,
    passed,
    message,
    duration: Math.round(performance.now() - startMs),
    // Only when set: full results keep exactly the fixed fields.
    ...(partial ? { partial: true } : {}),
  };
}
