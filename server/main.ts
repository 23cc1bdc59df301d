/**
 * agora chat server: `deno task server --name server_1` (see `--help`).
 *
 * Serves the client services and the server-to-server services on one
 * ROUTER socket (default `tcp://*:5555`; with the cluster CURVE keys the
 * server-to-server services also on an encrypted peer socket), stores
 * every change durably before acknowledging it, publishes through the
 * proxy, registers with the reference, takes part in the coordinator
 * election and Berkeley clock synchronisation, and replicates with its
 * peers. SIGINT/SIGTERM stop it gracefully (the current batch is
 * finished and stored).
 *
 * @module
 */

import { loadConfig } from "@agora/shared/config";
import { createLogger } from "@agora/shared/log";
import { simulatedDrift } from "@agora/shared/physical_clock";
import { closeOnSignals, setSyncWaitUs } from "@agora/shared/zmq";
import { ChatServer } from "./chat_server.ts";
import { type CurveKeys, curveKeysFrom } from "./curve_config.ts";
import { serverOptions } from "./options.ts";

const config = loadConfig(serverOptions, {
  program: "agora-server",
  summary: "Chat server of an agora cluster.",
});
const log = createLogger({ service: config.name, dir: config.logDir });
// The server's event loop serves mostly ZeroMQ requests: waiting for the
// next one on the main thread saves a thread-pool hop per request (a lone
// request's p50 halved in docs/benchmarks.md); a wait that misses delays
// the server's timers (heartbeats, elections, Berkeley rounds) by a
// few ms at most.
setSyncWaitUs(config.zmqSyncWaitUs);
const drift = simulatedDrift(Math.random, {
  offsetSecondsMax: config.clockOffsetMaxMs / 1000,
  driftPpmMax: config.clockDriftMaxPpm,
});

let curve: CurveKeys | undefined;
try {
  curve = curveKeysFrom(config.curvePublicKey, config.curveSecretKey);
} catch (error) {
  log.error("start_failed", {
    error: error instanceof Error ? error.message : String(error),
  });
  await log.close();
  Deno.exit(2);
}

let server: ChatServer;
try {
  server = await ChatServer.start({
    name: config.name,
    bind: config.bind,
    advertise: config.advertise,
    reference: config.reference,
    proxyPub: config.proxyPub,
    proxySub: config.proxySub,
    dataDir: config.dataDir ?? `data/${config.name}`,
    clusterSecret: config.clusterSecret,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    requestTimeoutMs: config.requestTimeoutMs,
    batchMax: config.batchMax,
    clockOffsetSeconds: config.clockOffsetMs === undefined
      ? drift.offsetSeconds
      : config.clockOffsetMs / 1000,
    clockDriftPpm: config.clockDriftPpm ?? drift.driftPpm,
    berkeleyIntervalMs: config.berkeleyIntervalMs,
    antiEntropyIntervalMs: config.antiEntropyIntervalMs,
    exportDir: config.exportDir,
    exportIntervalMs: config.exportIntervalMs,
    curve,
    peerBind: config.peerBind,
    peerAdvertise: config.peerAdvertise,
  }, log);
} catch (error) {
  log.error("start_failed", {
    error: error instanceof Error ? error.message : String(error),
  });
  await log.close();
  Deno.exit(1);
}

if (config.clusterSecret === serverOptions.clusterSecret.default) {
  log.warn("default_cluster_secret", {
    notice: "Set AGORA_CLUSTER_SECRET: the default key is public.",
  });
}

// A requested stop is a clean exit (0). After `stop`, the last publications
// leave with a bounded linger before libzmq ends.
closeOnSignals({
  exitCode: 0,
  onSignal: async (signal) => {
    log.info("stopping", { signal });
    try {
      await server.stop();
    } finally {
      await log.close();
    }
  },
});
await server.done;
