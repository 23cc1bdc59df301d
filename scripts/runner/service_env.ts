/**
 * The environment a service process gets: an allowlist of the parent's
 * variables (what Deno itself needs: PATH, HOME, its cache, locale, proxy
 * settings; and operator tuning such as `AGORA_LOG_LEVEL`), plus the
 * service's own settings. Per-instance settings from the parent never leak
 * into a service (an exported `AGORA_BIND` must not move the reference), and
 * the cluster secret reaches the servers only. Pure.
 *
 * @module
 */

/** Parent variables passed through by exact name. */
const PASSED_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "NO_COLOR",
  "LD_LIBRARY_PATH",
  "ZMQ_LIBRARY",
  "XDG_CACHE_HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);

/** Parent variables passed through by prefix. */
const PASSED_PREFIXES = ["DENO_", "NPM_CONFIG_", "npm_config_", "AGORA_"];

/**
 * `AGORA_*` settings that belong to one instance (its name, addresses,
 * directories, secret): the runner sets them per service, so the parent's
 * values are dropped.
 */
export const INSTANCE_VARIABLES: readonly string[] = Object.freeze([
  "AGORA_NAME",
  "AGORA_SERVER_NAME",
  "AGORA_BIND",
  "AGORA_ADVERTISE",
  "AGORA_XSUB_BIND",
  "AGORA_XPUB_BIND",
  "AGORA_HTTP_PORT",
  "AGORA_HTTP_HOST",
  "AGORA_DATA_DIR",
  "AGORA_LOG_DIR",
  "AGORA_REFERENCE",
  "AGORA_PROXY_PUB",
  "AGORA_PROXY_SUB",
  "AGORA_SERVERS",
  "AGORA_CLUSTER_SECRET",
  "AGORA_PEER_BIND",
  "AGORA_PEER_ADVERTISE",
  "AGORA_CURVE_PUBLIC_KEY",
  "AGORA_CURVE_SECRET_KEY",
]);

/**
 * Builds a service's environment from the parent's and its own settings
 * (which win).
 *
 * @example
 * ```ts
 * import { serviceEnv } from "./service_env.ts";
 * serviceEnv({ PATH: "/bin", AGORA_BIND: "x", SECRET_TOKEN: "y" }, { AGORA_NAME: "proxy" });
 * // { PATH: "/bin", AGORA_NAME: "proxy" }
 * ```
 */
export function serviceEnv(
  parent: Readonly<Record<string, string | undefined>>,
  own: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const instance = new Set(INSTANCE_VARIABLES);
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || instance.has(name)) continue;
    if (
      PASSED_NAMES.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p))
    ) {
      env[name] = value;
    }
  }
  return { ...env, ...own };
}
