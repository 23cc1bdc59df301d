/**
 * Which TCP port each service binds: the topology's defaults, or a block
 * starting at a base port, with per-port overrides from the environment or
 * the caller. Pure: the environment is an input.
 *
 * Environment names: `AGORA_BASE_PORT`, and `AGORA_PORT_<SERVICE>_<ROLE>`
 * (`AGORA_PORT_SERVER_2_REP=6001`), or `AGORA_PORT_<SERVICE>` for a service
 * with a single port (`AGORA_PORT_UI=9090`).
 *
 * @module
 */

import type { ServiceSpec } from "../services.ts";

/** Ports by service name, then by role (`{ proxy: { xsub, xpub } }`). */
export type PortMap = Record<string, Record<string, number>>;

/** Where ports come from; later sources win. */
export interface PortOptions {
  /** Lay the ports out consecutively from here, in topology order. */
  basePort?: number;
  /** Environment to read `AGORA_BASE_PORT` / `AGORA_PORT_*` from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Explicit ports, winning over everything (tests use this). */
  overrides?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Resolves every service's ports. Throws an `Error` naming the variable or
 * the service when a port is invalid or two roles share one.
 *
 * @example
 * ```ts
 * import { SERVICES } from "../services.ts";
 * import { resolvePorts } from "./ports.ts";
 * resolvePorts(SERVICES, { basePort: 7000 }).proxy; // { xsub: 7001, xpub: 7002 }
 * ```
 */
export function resolvePorts(
  specs: readonly ServiceSpec[],
  options: PortOptions = {},
): PortMap {
  const env = options.env ?? {};
  const base = options.basePort ??
    _envPort(env, "AGORA_BASE_PORT", "the base port");
  const ports: PortMap = {};
  let next = base;
  for (const spec of specs) {
    const roles = Object.entries(spec.ports);
    const mine: Record<string, number> = {};
    for (const [role, fallback] of roles) {
      let port = next === undefined ? fallback : next++;
      if (roles.length === 1) {
        port = _envPort(env, portEnvName(spec.name), spec.name) ?? port;
      }
      const byRole = portEnvName(spec.name, role);
      port = _envPort(env, byRole, `${spec.name} ${role}`) ?? port;
      port = options.overrides?.[spec.name]?.[role] ?? port;
      _checkPort(port, `${spec.name} ${role}`);
      mine[role] = port;
    }
    ports[spec.name] = mine;
  }
  const owners = new Map<number, string>();
  for (const [name, roles] of Object.entries(ports)) {
    for (const [role, port] of Object.entries(roles)) {
      const other = owners.get(port);
      if (other !== undefined) {
        throw new Error(
          `Port ${port} is given to both ${other} and ${name} ${role}.`,
        );
      }
      owners.set(port, `${name} ${role}`);
    }
  }
  return ports;
}

/**
 * The environment variable overriding a port: `AGORA_PORT_<SERVICE>_<ROLE>`,
 * or `AGORA_PORT_<SERVICE>` without a role.
 */
export function portEnvName(service: string, role?: string): string {
  const parts = role === undefined ? [service] : [service, role];
  return `AGORA_PORT_${parts.join("_").toUpperCase().replace(/\W/g, "_")}`;
}

function _envPort(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  what: string,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim())) {
    throw new Error(`${name}="${raw}" is not a port number (for ${what}).`);
  }
  return port;
}

function _checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Port ${port} of ${what} is not between 1 and 65535.`);
  }
}
