/**
 * Command-line and environment options of the chat server
 * (`server/main.ts`). Flags win over variables, which win over defaults.
 *
 * @module
 */

import { defineOptions } from "@agora/shared/config";

/** Options of `server/main.ts`. */
export const serverOptions = defineOptions({
  name: {
    type: "string",
    env: "AGORA_SERVER_NAME",
    required: true,
    description:
      "Server name: its rank at the reference, its record origin and its topic",
  },
  bind: {
    type: "string",
    env: "AGORA_BIND",
    default: "tcp://*:5555",
    description: "Endpoint the request (ROUTER) socket binds",
  },
  advertise: {
    type: "string",
    env: "AGORA_ADVERTISE",
    description:
      "Endpoint peers and clients use to reach this server (default: tcp://127.0.0.1:<bound port>)",
  },
  reference: {
    type: "string",
    env: "AGORA_REFERENCE",
    default: "tcp://127.0.0.1:5559",
    description: "Endpoint of the reference service",
  },
  proxyPub: {
    type: "string",
    env: "AGORA_PROXY_PUB",
    default: "tcp://127.0.0.1:5557",
    description: "Proxy endpoint publishers connect to (its XSUB)",
  },
  proxySub: {
    type: "string",
    env: "AGORA_PROXY_SUB",
    default: "tcp://127.0.0.1:5558",
    description: "Proxy endpoint subscribers connect to (its XPUB)",
  },
  dataDir: {
    type: "string",
    env: "AGORA_DATA_DIR",
    description: "Directory of the store (default: data/<name>)",
  },
  logDir: {
    type: "string",
    env: "AGORA_LOG_DIR",
    default: "logs",
    description: "Directory of the JSON lines log (<log-dir>/<name>.jsonl)",
  },
  clusterSecret: {
    type: "string",
    env: "AGORA_CLUSTER_SECRET",
    default: "agora-insecure-default-secret",
    description:
      "Key of the HMAC-SHA256 that authenticates replication and peer requests",
  },
  curvePublicKey: {
    type: "string",
    env: "AGORA_CURVE_PUBLIC_KEY",
    description:
      "Cluster CURVE public key (Z85, 40 chars; with --curve-secret-key enables the encrypted peer socket; `deno task curve-keys`)",
  },
  curveSecretKey: {
    type: "string",
    env: "AGORA_CURVE_SECRET_KEY",
    description:
      "Cluster CURVE secret key (Z85, 40 chars), the same on every server",
  },
  peerBind: {
    type: "string",
    env: "AGORA_PEER_BIND",
    description:
      "With CURVE: endpoint of the peer (server-to-server) socket (default: --bind's host, port + 1)",
  },
  peerAdvertise: {
    type: "string",
    env: "AGORA_PEER_ADVERTISE",
    description:
      "With CURVE: endpoint peers use for the peer socket (default: tcp://127.0.0.1:<bound port>)",
  },
  heartbeatIntervalMs: {
    type: "number",
    integer: true,
    min: 50,
    env: "AGORA_HEARTBEAT_INTERVAL_MS",
    default: 1000,
    description: "How often to heartbeat the reference and fetch its list",
  },
  requestTimeoutMs: {
    type: "number",
    integer: true,
    min: 50,
    env: "AGORA_REQUEST_TIMEOUT_MS",
    default: 1000,
    description: "Timeout of requests to the reference and to peers",
  },
  batchMax: {
    type: "number",
    integer: true,
    min: 1,
    max: 4096,
    env: "AGORA_BATCH_MAX",
    default: 512,
    description: "Most client requests handled per group commit",
  },
  zmqSyncWaitUs: {
    type: "number",
    min: 0,
    max: 100_000,
    env: "AGORA_ZMQ_SYNC_WAIT_US",
    default: 2000,
    description:
      "While requests come briskly, wait up to this long (µs) for the next one on the main thread instead of a thread-pool poll (0: never)",
  },
  clockOffsetMs: {
    type: "number",
    env: "AGORA_CLOCK_OFFSET_MS",
    description:
      "Simulated initial physical clock offset; 0 disables (default: random within ±clock-offset-max-ms; negative: --clock-offset-ms=-250)",
  },
  clockOffsetMaxMs: {
    type: "number",
    min: 0,
    env: "AGORA_CLOCK_OFFSET_MAX_MS",
    default: 1000,
    description: "Bound of the random initial offset when none is given",
  },
  clockDriftPpm: {
    type: "number",
    env: "AGORA_CLOCK_DRIFT_PPM",
    description:
      "Simulated drift rate in ppm; 0 disables (default: random within ±clock-drift-max-ppm)",
  },
  clockDriftMaxPpm: {
    type: "number",
    min: 0,
    env: "AGORA_CLOCK_DRIFT_MAX_PPM",
    default: 50,
    description: "Bound of the random drift rate when none is given",
  },
  berkeleyIntervalMs: {
    type: "number",
    integer: true,
    min: 100,
    env: "AGORA_BERKELEY_INTERVAL_MS",
    default: 10_000,
    description: "The coordinator runs a Berkeley round at least this often",
  },
  antiEntropyIntervalMs: {
    type: "number",
    integer: true,
    min: 100,
    env: "AGORA_ANTI_ENTROPY_INTERVAL_MS",
    default: 2000,
    description: "How often to compare replication vectors with every peer",
  },
  exportDir: {
    type: "string",
    env: "AGORA_EXPORT_DIR",
    description:
      "Write data.json and login.json (original layout) here on shutdown and every --export-interval-ms",
  },
  exportIntervalMs: {
    type: "number",
    integer: true,
    min: 0,
    env: "AGORA_EXPORT_INTERVAL_MS",
    default: 0,
    description:
      "Periodic export interval with --export-dir (0: only on shutdown)",
  },
});
