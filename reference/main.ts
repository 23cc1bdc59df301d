/**
 * agora reference service: hands out stable ranks, keeps the list of live
 * servers (by heartbeat) and answers `rank`, `list` and `heartbeat` on a REP
 * socket (default port 5559). Ranks survive restarts (`data/ranks.json`).
 *
 * @module
 */

import { loadConfig } from "@agora/shared/config";
import { createLogger } from "@agora/shared/log";
import { closeOnSignals, Reply } from "@agora/shared/zmq";
import { referenceOptions } from "./options.ts";
import { ReferenceService } from "./service.ts";

const config = loadConfig(referenceOptions, {
  program: "agora-reference",
  summary: "Ranks, server list and heartbeats for an agora cluster.",
});
const log = createLogger({ service: config.name, dir: config.logDir });
const service = await ReferenceService.open({
  dataDir: config.dataDir,
  heartbeatTimeoutMs: config.heartbeatTimeoutMs,
  log,
});
const socket = new Reply({ linger: 0 });
try {
  await socket.bind(config.bind);
} catch (error) {
  log.error("bind_failed", { endpoint: config.bind, error: String(error) });
  await log.close();
  Deno.exit(1);
}
closeOnSignals({
  onSignal: async (signal) => {
    log.info("stopping", { signal });
    await log.close();
  },
});
log.info("listening", {
  endpoint: socket.lastEndpoint,
  heartbeatTimeoutMs: config.heartbeatTimeoutMs,
  dataDir: config.dataDir,
});
for await (const frames of socket) {
  const reply = await service.handle(frames[0], Date.now());
  await socket.send(reply);
}
