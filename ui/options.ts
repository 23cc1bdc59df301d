/**
 * Command-line and environment options of the web UI (`ui/main.ts`).
 *
 * @module
 */

import { CLIENT_CONNECTION_OPTIONS } from "@agora/shared/client";
import { defineOptions } from "@agora/shared/config";

/**
 * The UI's options: the cluster's endpoints (shared with every client),
 * where to listen, how the dashboard polls, and how the tests page may run
 * the acceptance suite.
 *
 * @example
 * ```ts
 * import { parseConfig } from "@agora/shared/config";
 * import { uiOptions } from "./options.ts";
 * const parsed = parseConfig(uiOptions, { args: ["--port", "0"], env: {} });
 * if (parsed.kind === "config") parsed.config.port; // 0
 * ```
 */
export const uiOptions = defineOptions({
  ...CLIENT_CONNECTION_OPTIONS,
  port: {
    type: "number",
    integer: true,
    min: 0,
    max: 65535,
    env: "AGORA_HTTP_PORT",
    default: 8080,
    description: "HTTP port (0 picks a free one)",
  },
  host: {
    type: "string",
    env: "AGORA_HTTP_HOST",
    default: "127.0.0.1",
    description: "Interface to listen on (0.0.0.0 for every one)",
  },
  allowedHosts: {
    type: "list",
    env: "AGORA_UI_ALLOWED_HOSTS",
    description:
      "Host names the UI answers (default: loopback names when bound to " +
      "loopback, any otherwise; * for any): guards against DNS rebinding",
  },
  name: {
    type: "string",
    env: "AGORA_NAME",
    default: "ui",
    description: "Process name in logs (logs/<name>.jsonl)",
  },
  logDir: {
    type: "string",
    env: "AGORA_LOG_DIR",
    default: "logs",
    description: "Directory of the JSON lines log",
  },
  statusTimeoutMs: {
    type: "number",
    integer: true,
    min: 50,
    max: 60_000,
    default: 1000,
    description: "ms the dashboard waits for each server's status",
  },
  statusIntervalMs: {
    type: "number",
    integer: true,
    min: 100,
    max: 60_000,
    default: 1000,
    description: "ms between two dashboard polls while someone watches",
  },
  idleIntervalMs: {
    type: "number",
    integer: true,
    min: 0,
    max: 600_000,
    default: 5000,
    description:
      "ms between two polls while no dashboard is open, so the events feed " +
      "knows what happened meanwhile (0: none)",
  },
  maxStreams: {
    type: "number",
    integer: true,
    min: 1,
    max: 100_000,
    env: "AGORA_UI_MAX_STREAMS",
    default: 256,
    description:
      "Most event streams open at once (chat, dashboard, tests); more get 503",
  },
  maxStreamsPerSession: {
    type: "number",
    integer: true,
    min: 1,
    max: 1000,
    default: 8,
    description: "Most chat event streams one browser session may open",
  },
  secureCookie: {
    type: "boolean",
    description: "Mark the session cookie Secure (when served over HTTPS)",
  },
  testBots: {
    type: "list",
    env: "AGORA_TEST_BOTS",
    description:
      "The bots' user names, for the acceptance suite (default: spotted)",
  },
  disruptiveTests: {
    type: "boolean",
    description:
      "Let the tests page stop and restart servers (needs --stop-command, " +
      "--start-command and --allow-run)",
  },
  stopCommand: {
    type: "string",
    description:
      'Command that stops a server, {server} = its name (e.g. "deno task down {server}")',
  },
  startCommand: {
    type: "string",
    description:
      'Command that starts it again (e.g. "deno task up --no-deps {server}")',
  },
});
