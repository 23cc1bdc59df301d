/**
 * Command-line and environment options of the bot.
 *
 * @module
 */

import { defineOptions } from "@agora/shared/config";
import { CLIENT_CONNECTION_OPTIONS } from "@agora/shared/client";

/** Options of `bot/main.ts`. */
export const botOptions = defineOptions({
  ...CLIENT_CONNECTION_OPTIONS,
  name: {
    type: "string",
    env: "AGORA_NAME",
    default: "bot",
    description: "Process name in logs (logs/<name>.jsonl)",
  },
  user: {
    type: "string",
    description: "Chat user name (default: bot_<adjective>_<4 hex>)",
  },
  paceMs: {
    type: "number",
    integer: true,
    min: 0,
    env: "AGORA_BOT_PACE_MS",
    default: 1000,
    description: "ms between two messages",
  },
  count: {
    type: "number",
    integer: true,
    min: 1,
    description: "Stop after this many messages (default: run forever)",
  },
  batchSize: {
    type: "number",
    integer: true,
    min: 1,
    max: 1000,
    default: 10,
    description: "Messages per channel before picking another",
  },
  logDir: {
    type: "string",
    env: "AGORA_LOG_DIR",
    default: "logs",
    description: "Directory of the JSON lines log",
  },
});
