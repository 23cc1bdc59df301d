/**
 * Derives a Docker Swarm stack file from `docker-compose.yml`, so a cluster
 * spread over several machines runs from the same definition:
 *
 * ```sh
 * deno run --allow-read --allow-env=LOG_STREAM,LOG_TOKENS \
 *   scripts/stack_file.ts [--pin] [docker-compose.yml] |
 *   docker stack deploy -c - agora
 * ```
 *
 * `docker stack deploy` validates against the older Compose file format 3,
 * which rejects what `docker compose` needs here: the top-level `name`,
 * `profiles`, and `depends_on` with conditions (docker/cli#4721,
 * moby/moby#46827). Swarm ignores `depends_on` and `build` anyway. So the
 * conversion drops those, leaves profile-gated services (the interactive
 * client) out, turns `restart` into `deploy.restart_policy`, and makes the
 * default network an attachable overlay, so `docker run -it --network
 * agora_default …` can join it. With `pin`, every service that mounts a
 * named volume is held on a node labelled `agora.<service>=true`, because a
 * local volume does not follow a task to another node.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";

/** How to derive the stack file. */
export interface StackOptions {
  /** Pin services with named volumes to nodes labelled `agora.<name>=true`. */
  pin?: boolean;
}

/** Compose file format version the stack file declares (Docker 19.03+). */
export const STACK_FILE_VERSION = "3.8";

/** Service keys Swarm rejects or ignores with a warning. */
const DROPPED_SERVICE_KEYS = [
  "build",
  "container_name",
  "depends_on",
  "profiles",
  "pull_policy",
  "restart",
  "security_opt",
] as const;

/** Swarm's restart condition for each Compose `restart` policy. */
const RESTART_CONDITIONS: Record<string, string> = {
  "no": "none",
  "always": "any",
  "unless-stopped": "any",
  "on-failure": "on-failure",
};

/**
 * Converts a parsed Compose file (YAML anchors and merges already resolved)
 * into a Compose file format 3 stack file, leaving `${VAR}` interpolation
 * to `docker stack deploy`. Throws when a kept service has no `image`,
 * since Swarm nodes pull images and cannot build them.
 *
 * @example
 * ```ts
 * import { toStackConfig } from "./stack_file.ts";
 * const stack = toStackConfig({
 *   name: "demo",
 *   services: { web: { image: "nginx", restart: "unless-stopped" } },
 * });
 * console.log(stack.version); // "3.8"
 * ```
 */
export function toStackConfig(
  compose: Record<string, unknown>,
  options: StackOptions = {},
): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(_record(compose.services))) {
    const service = _record(value);
    if (Array.isArray(service.profiles) && service.profiles.length > 0) {
      continue;
    }
    services[name] = _toStackService(name, service, options);
  }
  const networks = { ..._record(compose.networks) };
  networks.default = {
    driver: "overlay",
    attachable: true,
    ..._record(networks.default),
  };
  const stack: Record<string, unknown> = {
    version: STACK_FILE_VERSION,
    services,
    networks,
  };
  for (const key of ["volumes", "secrets", "configs"] as const) {
    if (compose[key] !== undefined) stack[key] = compose[key];
  }
  return stack;
}

function _toStackService(
  name: string,
  service: Record<string, unknown>,
  options: StackOptions,
): Record<string, unknown> {
  if (typeof service.image !== "string" || service.image === "") {
    throw new Error(
      `Service "${name}" has no image; Swarm nodes pull images, they cannot build them`,
    );
  }
  const out: Record<string, unknown> = { ...service };
  for (const key of DROPPED_SERVICE_KEYS) delete out[key];
  const deploy: Record<string, unknown> = { ..._record(service.deploy) };
  const condition = RESTART_CONDITIONS[String(service.restart)];
  if (condition !== undefined && deploy.restart_policy === undefined) {
    deploy.restart_policy = { condition };
  }
  if (options.pin && _mountsNamedVolume(service)) {
    const placement = _record(deploy.placement);
    const constraints = Array.isArray(placement.constraints)
      ? [...placement.constraints]
      : [];
    constraints.push(`node.labels.agora.${name} == true`);
    deploy.placement = { ...placement, constraints };
  }
  if (Object.keys(deploy).length > 0) out.deploy = deploy;
  return out;
}

function _mountsNamedVolume(service: Record<string, unknown>): boolean {
  const volumes = Array.isArray(service.volumes) ? service.volumes : [];
  return volumes.some((volume) => {
    if (typeof volume === "string") return /^[a-zA-Z0-9][\w.-]*:/.test(volume);
    const mount = _record(volume);
    return mount.type === "volume" && typeof mount.source === "string";
  });
}

function _record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { pin: { type: "boolean" }, help: { type: "boolean" } },
    allowPositionals: true,
  });
  if (values.help || positionals.length > 1) {
    console.log(
      "usage: deno run --allow-read --allow-env=LOG_STREAM,LOG_TOKENS scripts/stack_file.ts [--pin] [docker-compose.yml]\n" +
        "Prints a `docker stack deploy` file derived from the compose file.",
    );
    Deno.exit(values.help ? 0 : 1);
  }
  const path = positionals[0] ??
    new URL("../docker-compose.yml", import.meta.url);
  try {
    const compose = parse(await Deno.readTextFile(path), { merge: true });
    const stack = toStackConfig(_record(compose), { pin: values.pin });
    console.log(stringify(stack, { aliasDuplicateObjects: false }));
  } catch (error) {
    console.error(
      `Deriving the stack file from "${path}" failed: ${
        (error as Error).message
      }`,
    );
    Deno.exit(1);
  }
}
