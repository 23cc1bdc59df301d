/**
 * agora's web UI: `createApp(cluster)` builds the Hono app against the
 * {@linkcode Cluster} interface; `main.ts` serves it with the real cluster.
 *
 * @example
 * ```ts
 * import { createApp } from "@agora/ui";
 * import { FakeCluster } from "@agora/ui/fake_cluster";
 * import { readPublicAsset } from "@agora/ui/public_assets";
 * const app = createApp(new FakeCluster(), { assets: readPublicAsset });
 * // … serve app.fetch; the app watches the cluster until it is closed:
 * await app.close();
 * ```
 *
 * @module
 */

export { type AgoraApp, type AppOptions, createApp } from "./app.ts";
export type { AssetReader } from "./assets.ts";
export type {
  ChannelMessage,
  ChatSession,
  Cluster,
  ClusterEvent,
  ClusterStatus,
  HistoryPage,
  PrivateMessage,
  ReferenceEntry,
  ServerCounts,
  ServerReplication,
  ServerStatus,
  Subscription,
  TestResult,
  TestSummary,
} from "./cluster.ts";
export { ClusterError, type ClusterErrorCode } from "./cluster_error.ts";
export { replicationLag } from "./replication_lag.ts";
