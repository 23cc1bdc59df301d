/**
 * Command-line and environment options of the reference service.
 *
 * @module
 */

import { defineOptions } from "@agora/shared/config";

/** Options of `reference/main.ts`. */
export const referenceOptions = defineOptions({
  bind: {
    type: "string",
    env: "AGORA_BIND",
    default: "tcp://*:5559",
    description: "Endpoint the REP socket binds",
  },
  dataDir: {
    type: "string",
    env: "AGORA_DATA_DIR",
    default: "data/reference",
    description: "Directory of the persisted rank table",
  },
  heartbeatTimeoutMs: {
    type: "number",
    integer: true,
    min: 1,
    env: "AGORA_HEARTBEAT_TIMEOUT_MS",
    default: 3000,
    description:
      "A server whose last heartbeat is older than this leaves the list",
  },
  name: {
    type: "string",
    env: "AGORA_NAME",
    default: "reference",
    description: "Name in logs",
  },
  logDir: {
    type: "string",
    env: "AGORA_LOG_DIR",
    default: "logs",
    description: "Directory of the JSON lines log",
  },
});
