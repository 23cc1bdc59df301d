/**
 * Least-privilege Deno permission flags per kind of service. Pure.
 *
 * Every service loads libzmq through FFI, and `--allow-ffi` is full trust in
 * practice (native code is not sandboxed): these flags state intent and stop
 * accidents in the TypeScript code, they are no security boundary. What a
 * service may touch is narrowed anyway: files only under its own data
 * directory and the log directory, the network (Deno's own sockets; ZeroMQ
 * does not go through them) only for the ui's HTTP port, and an environment
 * the runner builds from an allowlist (see `service_env.ts`). `--allow-env`
 * cannot be scoped to names because the shared configuration reads the
 * environment as a whole.
 *
 * @module
 */

import type { ServiceSpec } from "../services.ts";

/** The paths and ports a service's permissions are scoped to. */
export interface PermissionScope {
  /** Absolute log directory (written by every service). */
  logDir: string;
  /** Absolute data directory of a stateful service. */
  dataDir?: string;
  /** Absolute directories the service only reads (the ui's assets). */
  readOnly?: readonly string[];
  /** `host:port` pairs the service listens on with Deno's own sockets. */
  listen?: readonly string[];
}

/**
 * The `deno run` permission flags for a service of `folder`.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./permissions.ts";
 * permissionFlags("reference", { logDir: "/r/logs", dataDir: "/r/data/reference" });
 * // ["--no-prompt", "--allow-ffi", "--allow-env",
 * //  "--allow-read=/r/data/reference,/r/logs",
 * //  "--allow-write=/r/data/reference,/r/logs"]
 * ```
 */
export function permissionFlags(
  folder: ServiceSpec["folder"],
  scope: PermissionScope,
): string[] {
  const writable = [scope.dataDir, scope.logDir].filter((d) => d !== undefined);
  const readable = [...writable, ...(scope.readOnly ?? [])];
  const flags = ["--no-prompt", "--allow-ffi", "--allow-env"];
  flags.push(`--allow-read=${readable.map(_escape).join(",")}`);
  flags.push(`--allow-write=${writable.map(_escape).join(",")}`);
  if ((scope.listen ?? []).length > 0) {
    flags.push(`--allow-net=${scope.listen!.join(",")}`);
  }
  if (folder !== "ui" && (scope.listen ?? []).length > 0) {
    throw new Error(`Only the ui listens with Deno sockets, not "${folder}".`);
  }
  return flags;
}

/** Commas separate entries in a permission list, so a path may not have one. */
function _escape(path: string): string {
  if (path.includes(",")) {
    throw new Error(
      `The path "${path}" contains a comma, which Deno permission lists cannot hold.`,
    );
  }
  return path;
}
