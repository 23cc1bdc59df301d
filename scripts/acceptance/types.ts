/**
 * The acceptance suite's public types: what it needs to reach a cluster,
 * what it reports, and the shape of one check.
 *
 * `TestResult` and `TestSummary` match the web ui's `Cluster.runTests`
 * contract (`ui/cluster.ts`), so the ui can pass them through unchanged.
 *
 * @module
 */

import type { CheckContext } from "./context.ts";

/** Where the cluster under test is. */
export interface AcceptanceEndpoints {
  /** Reference REP endpoint. */
  reference: string;
  /** Proxy XPUB endpoint (subscribers connect here). */
  proxySub: string;
  /**
   * The servers expected to run: name → request endpoint, or just the
   * endpoints (names are then taken from the reference's `list`, by
   * address).
   */
  servers: Readonly<Record<string, string>> | readonly string[];
}

/** Stops and starts services, for the disruptive parts of the suite. */
export interface ClusterControl {
  /** Stops a service (a server) and resolves once it is gone. */
  stop(name: string): Promise<void>;
  /** Starts a service again and resolves once it is ready. */
  start(name: string): Promise<void>;
}

/** The outcome of one test, emitted as soon as it finishes. */
export interface TestResult {
  /** Test name, unique within a run. */
  name: string;
  /** Whether it passed. */
  passed: boolean;
  /** Why it failed; on a pass, a short note of what was verified. */
  message: string;
  /** How long it ran, ms. */
  duration: number;
  /**
   * `true` when it passed without exercising all it is named for: its
   * disruptive part was skipped (a run without `disruptive`), and
   * `message` says which part. Absent otherwise — an extra field beside
   * the fixed `{passed, message, duration}`, never `false`.
   */
  partial?: boolean;
}

/**
 * What a check resolves with when it passed only in part (see
 * {@linkcode TestResult.partial}); a full pass resolves with its note alone.
 */
export interface PartialPass {
  /** What was verified, and which part was not exercised. */
  message: string;
  /** Marks the pass as partial. */
  partial: true;
}

/** The outcome of a whole run. */
export interface TestSummary {
  /** Tests that passed. */
  passed: number;
  /** Tests run. */
  total: number;
  /** Wall time of the run, ms. */
  duration: number;
  /** Test name → its outcome. */
  tests: Record<string, Omit<TestResult, "name">>;
}

/** Options of `runAcceptance`. */
export interface AcceptanceOptions {
  /** The cluster under test. */
  endpoints: AcceptanceEndpoints;
  /**
   * The cluster secret, to sign `status` requests. Without it, `status` is
   * sent unsigned; if servers refuse that, the coordinator check falls back
   * to the announcements on topic `servers`.
   */
  secret?: string;
  /**
   * Kill and restart servers: the coordinator (re-election) and a follower
   * (catch-up). Needs `control`. Without it, those two parts are skipped
   * and their results say so.
   */
  disruptive?: boolean;
  /** How to stop and start servers (needed when `disruptive`). */
  control?: ClusterControl;
  /**
   * The bots' user names, when known. Without them, bots are recognised as
   * the users who publish on their own while the suite watches.
   */
  bots?: readonly string[];
  /** How many bots must be seen (default: `bots.length`, else 1). */
  botsExpected?: number;
  /** Called as each test finishes. */
  onResult?: (result: TestResult) => void;
  /** Aborting stops the run between tests; the run rejects with the reason. */
  signal?: AbortSignal;
  /** Run only these tests (by id, see `ACCEPTANCE_CHECKS`). */
  only?: readonly string[];
  /** Multiplies every check's deadline (default 1). */
  timeScale?: number;
  /** Makes the names the run creates unique (default: random). */
  runId?: string;
}

/** One acceptance check. */
export interface AcceptanceCheck {
  /** Short stable id (`reference`, `election`, …). */
  id: string;
  /** Readable, unique name (the key in the summary). */
  name: string;
  /** Deadline of the whole check, ms (before `timeScale`). */
  timeoutMs: number;
  /**
   * Runs the check: resolves with a short note of what was verified (a
   * {@linkcode PartialPass} when a part of it was skipped), throws an
   * `Error` saying what is wrong to fail.
   */
  run(ctx: CheckContext): Promise<string | PartialPass>;
}
