/**
 * Command-line and environment options of the pub/sub proxy.
 *
 * @module
 */

import { defineOptions } from "@agora/shared/config";

/** Options of `proxy/main.ts`. */
export const proxyOptions = defineOptions({
  xsub: {
    type: "string",
    env: "AGORA_XSUB_BIND",
    default: "tcp://*:5557",
    description: "Endpoint publishers connect to (XSUB)",
  },
  xpub: {
    type: "string",
    env: "AGORA_XPUB_BIND",
    default: "tcp://*:5558",
    description: "Endpoint subscribers connect to (XPUB)",
  },
  statsIntervalMs: {
    type: "number",
    integer: true,
    min: 100,
    env: "AGORA_PROXY_STATS_INTERVAL_MS",
    default: 10_000,
    description: "How often the forwarded counts are logged",
  },
  name: {
    type: "string",
    env: "AGORA_NAME",
    default: "proxy",
    description: "Name in logs",
  },
  logDir: {
    type: "string",
    env: "AGORA_LOG_DIR",
    default: "logs",
    description: "Directory of the JSON lines log",
  },
});
