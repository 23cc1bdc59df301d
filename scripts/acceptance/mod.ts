/**
 * The agora acceptance suite (the original `test.py`'s nine categories),
 * usable in-process (the web ui) and from the command line
 * (`deno task test:system`).
 *
 * @example
 * ```ts ignore
 * import { runAcceptance } from "@agora/scripts/acceptance";
 * const summary = await runAcceptance({
 *   endpoints: {
 *     reference: "tcp://127.0.0.1:5559",
 *     proxySub: "tcp://127.0.0.1:5558",
 *     servers: ["tcp://127.0.0.1:5555", "tcp://127.0.0.1:5565", "tcp://127.0.0.1:5575"],
 *   },
 *   onResult: (result) => console.log(result.name, result.passed),
 * });
 * ```
 *
 * @module
 */

export { ACCEPTANCE_CHECKS, runAcceptance, selectChecks } from "./suite.ts";
export {
  botUsers,
  FAST_TIMINGS,
  type OwnCluster,
  type OwnClusterOptions,
  runnerControl,
  startOwnCluster,
} from "./own_cluster.ts";
export { formatResult, formatSummary } from "./report.ts";
export { CheckContext } from "./context.ts";
export type {
  AcceptanceCheck,
  AcceptanceEndpoints,
  AcceptanceOptions,
  ClusterControl,
  PartialPass,
  TestResult,
  TestSummary,
} from "./types.ts";
