/**
 * Helpers for integration tests of agora clients: a real local cluster
 * (reference, proxy, servers as child processes on free ports), child
 * process management, and deadline polling.
 *
 * @module
 */

export {
  freePorts,
  type LocalCluster,
  type LocalClusterOptions,
  type LocalServer,
  serverAvailable,
  startLocalCluster,
  WORKSPACE_ROOT,
} from "./local_cluster.ts";
export {
  baseEnv,
  ManagedProcess,
  type ManagedProcessOptions,
} from "./managed_process.ts";
export { waitFor } from "./wait_for.ts";
