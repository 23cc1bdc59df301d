/**
 * The connection options every client binary shares (terminal client,
 * bot, web UI, tools), for `defineOptions` / `loadConfig`.
 *
 * @module
 */

import type { OptionsSpec } from "@agora/shared/config";
import type { AgoraClientOptions } from "./agora_client.ts";

/**
 * `--reference` (`AGORA_REFERENCE`), `--servers` (`AGORA_SERVERS`),
 * `--proxy-sub` (`AGORA_PROXY_SUB`) and `--timeout-ms`. Spread it into a
 * binary's own spec.
 *
 * @example
 * ```ts
 * import { defineOptions, parseConfig } from "@agora/shared/config";
 * import { CLIENT_CONNECTION_OPTIONS, clientOptionsFromConfig } from "@agora/shared/client";
 * const spec = defineOptions({ ...CLIENT_CONNECTION_OPTIONS });
 * const parsed = parseConfig(spec, { args: [], env: {} });
 * if (parsed.kind === "config") clientOptionsFromConfig(parsed.config);
 * ```
 */
export const CLIENT_CONNECTION_OPTIONS = {
  reference: {
    type: "string",
    env: "AGORA_REFERENCE",
    default: "tcp://127.0.0.1:5559",
    description:
      "Reference endpoint, for the list of servers (empty: AGORA_SERVERS only)",
  },
  servers: {
    type: "list",
    env: "AGORA_SERVERS",
    description:
      "Server endpoints (comma-separated), besides the reference's list",
  },
  proxySub: {
    type: "string",
    env: "AGORA_PROXY_SUB",
    default: "tcp://127.0.0.1:5558",
    description: "Proxy XPUB endpoint, for live messages",
  },
  timeoutMs: {
    type: "number",
    integer: true,
    min: 1,
    default: 2000,
    description: "ms to wait for a server before trying the next one",
  },
} as const satisfies OptionsSpec;

/** The configuration values {@linkcode clientOptionsFromConfig} reads. */
export interface ClientConnectionConfig {
  /** Reference endpoint ("" for none). */
  reference: string;
  /** Server endpoints. */
  servers: string[];
  /** Proxy XPUB endpoint ("" for none). */
  proxySub: string;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
}

/** Turns the parsed connection options into {@linkcode AgoraClientOptions}. */
export function clientOptionsFromConfig(
  config: ClientConnectionConfig,
): AgoraClientOptions {
  return {
    reference: config.reference,
    servers: config.servers,
    proxy: config.proxySub,
    timeoutMs: config.timeoutMs,
  };
}
