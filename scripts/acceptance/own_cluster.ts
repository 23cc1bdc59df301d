/**
 * A cluster of its own for the acceptance suite and the tests: reference,
 * proxy, the three servers and the two bots as real processes started by
 * the local runner in a temporary root, on free ports, with faster timings
 * (heartbeats, bot pace) so the suite stays short. No ui: nothing in the
 * suite needs it.
 *
 * @module
 */

import { SERVICES, type ServiceSpec } from "../services.ts";
import { freePorts } from "../runner/port_probe.ts";
import { Runner } from "../runner/runner.ts";
import type { AcceptanceEndpoints, ClusterControl } from "./types.ts";

/** A running cluster owned by the caller. */
export interface OwnCluster {
  /** Its runner (root, plans, endpoints). */
  runner: Runner;
  /** Endpoints for `runAcceptance`. */
  endpoints: AcceptanceEndpoints;
  /** Its cluster secret. */
  secret: string;
  /** The bots' user names (each bot chats as its service name). */
  bots: string[];
  /** Stops and starts its services. */
  control: ClusterControl;
  /** Stops every process and removes the temporary root (unless kept). */
  close(): Promise<void>;
}

/** Options of {@link startOwnCluster}. */
export interface OwnClusterOptions {
  /** Services to leave out (e.g. `["server_3"]` for a broken setup). */
  without?: readonly string[];
  /** Keep the root (logs, data) after `close` (default false). */
  keepRoot?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Extra environment per service. */
  extraEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Timings that make failures visible quickly: a server is dropped from the
 * reference's list 1.5 s after its last heartbeat (sent every 300 ms), and
 * bots publish every 300 ms.
 */
export const FAST_TIMINGS: Readonly<Record<string, Record<string, string>>> =
  Object.freeze({
    reference: { AGORA_HEARTBEAT_TIMEOUT_MS: "1500" },
    server: {
      AGORA_HEARTBEAT_INTERVAL_MS: "300",
      AGORA_ANTI_ENTROPY_INTERVAL_MS: "1000",
      AGORA_BERKELEY_INTERVAL_MS: "3000",
    },
    bot: { AGORA_BOT_PACE_MS: "300" },
  });

/** Starts the cluster and resolves once every service is ready. */
export async function startOwnCluster(
  options: OwnClusterOptions = {},
): Promise<OwnCluster> {
  const root = await Deno.makeTempDir({ prefix: "agora_acceptance_" });
  const specs: ServiceSpec[] = SERVICES.filter((s) =>
    s.folder !== "ui" && !(options.without ?? []).includes(s.name)
  ).map((s) => ({ ...s }));
  const roles = specs.flatMap((s) =>
    Object.keys(s.ports).map((role) => [s.name, role] as const)
  );
  const ports = freePorts(roles.length);
  const overrides: Record<string, Record<string, number>> = {};
  roles.forEach(([name, role], i) => {
    (overrides[name] ??= {})[role] = ports[i];
  });
  const extraEnv: Record<string, Record<string, string>> = {};
  for (const spec of specs) {
    extraEnv[spec.name] = {
      ...(FAST_TIMINGS[spec.folder] ?? {}),
      ...(options.extraEnv?.[spec.name] ?? {}),
    };
  }
  const runner = await Runner.open({
    root,
    services: specs,
    ports: { overrides },
    // The caller's exported AGORA_PORT_* must not move this cluster.
    env: _withoutPortVariables(Deno.env.toObject()),
    extraEnv,
    detach: false,
    readyTimeoutMs: 30_000,
    stopGraceMs: 3000,
    log: options.log,
  });
  const close = async () => {
    try {
      await runner.down();
    } finally {
      if (!options.keepRoot) {
        await Deno.remove(root, { recursive: true }).catch(() => {});
      }
    }
  };
  try {
    await runner.up();
  } catch (error) {
    await close();
    throw error;
  }
  const e = runner.endpoints;
  return {
    runner,
    endpoints: {
      reference: e.reference,
      proxySub: e.proxySub,
      servers: e.servers,
    },
    secret: runner.secret,
    bots: botUsers(runner),
    control: runnerControl(runner),
    close,
  };
}

/** Stops and starts services through `runner` (without dependencies). */
export function runnerControl(runner: Runner): ClusterControl {
  return {
    async stop(name) {
      await runner.down([name]);
    },
    async start(name) {
      await runner.up([name], { noDeps: true });
    },
  };
}

/** The user names of a runner's bots (the runner starts each as `--user <name>`). */
export function botUsers(runner: Runner): string[] {
  return runner.services.filter((s) => s.folder === "bot").map((s) => s.name);
}

function _withoutPortVariables(
  env: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) =>
      k !== "AGORA_BASE_PORT" && !k.startsWith("AGORA_PORT_")
    ),
  );
}
