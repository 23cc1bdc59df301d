/**
 * Turns the topology (`scripts/services.ts`) and resolved ports into what
 * the runner executes: per service its command line, environment,
 * permissions, directories and readiness probe, plus the endpoints clients
 * dial. Pure: paths, the Deno binary, the secret and the parent environment
 * are inputs.
 *
 * @module
 */

import type { ServiceSpec } from "../services.ts";
import { permissionFlags } from "./permissions.ts";
import type { PortMap } from "./ports.ts";
import { serviceEnv } from "./service_env.ts";

/** How the runner decides that a started service is ready. */
export type ReadinessProbe =
  /** A protocol request (`list`) over ZeroMQ REQ. */
  | { kind: "reference"; targets: string[] }
  /** A protocol request (`channels`) over ZeroMQ REQ. */
  | { kind: "server"; targets: string[] }
  /** A TCP connection to every target (the proxy answers no request). */
  | { kind: "tcp"; targets: string[] }
  /** `GET /healthz` answers 2xx (or, while the ui has no such route, `GET /`). */
  | { kind: "http"; targets: string[] }
  /**
   * The process logged `event` (or, given several, any of them) since it
   * started (bots listen on nothing, so there is nothing to ask; a bot logs
   * `logged_in` once a server took it).
   */
  | { kind: "log"; targets: string[]; event: string | readonly string[] };

/** One service as the runner starts it. */
export interface ServicePlan {
  /** Service name (`server_2`). */
  name: string;
  /** Workspace folder of its entry point. */
  folder: ServiceSpec["folder"];
  /** Services that must be ready first. */
  dependsOn: string[];
  /** Ports it binds, by role. */
  ports: Record<string, number>;
  /** Addresses others use to reach it, by role (for display and clients). */
  endpoints: Record<string, string>;
  /** Full command line, the Deno binary first. */
  argv: string[];
  /** The entry point in `argv` (`/repo/server/main.ts`). */
  entry: string;
  /** Complete environment of the process. */
  env: Record<string, string>;
  /** Working directory (the runner's root). */
  cwd: string;
  /** Its data directory, for stateful services. */
  dataDir?: string;
  /** File that receives its stdout and stderr. */
  outFile: string;
  /** Its JSON lines log file. */
  logFile: string;
  /** How readiness is checked. */
  probe: ReadinessProbe;
}

/** Endpoints of a running cluster, as its clients need them. */
export interface ClusterEndpoints {
  /** Reference REP endpoint. */
  reference: string;
  /** Proxy XSUB endpoint (publishers connect here). */
  proxyPub: string;
  /** Proxy XPUB endpoint (subscribers connect here). */
  proxySub: string;
  /** Server name → its request endpoint, in topology order. */
  servers: Record<string, string>;
  /** The ui's base URL, when the topology has one. */
  ui?: string;
}

/** The inputs of {@link buildPlan} besides the topology and ports. */
export interface PlanInputs {
  /** Absolute path of the repository (entry points and `deno.json`). */
  repo: string;
  /** Absolute runner root: `data/`, `logs/`, `.run/` live here. */
  root: string;
  /** The Deno binary. */
  deno: string;
  /** Cluster secret given to the servers. */
  secret: string;
  /** The runner's own environment (filtered by `serviceEnv`). */
  parentEnv: Readonly<Record<string, string | undefined>>;
  /** Extra environment per service name (wins over everything). */
  extraEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Host the services bind and are reached on (default 127.0.0.1). */
  host?: string;
}

/**
 * Builds the plan of every service in `specs`.
 *
 * @example
 * ```ts
 * import { SERVICES } from "../services.ts";
 * import { buildPlan } from "./plan.ts";
 * import { resolvePorts } from "./ports.ts";
 * const { services, endpoints } = buildPlan(SERVICES, resolvePorts(SERVICES), {
 *   repo: "/src/agora", root: "/src/agora", deno: "deno", secret: "s", parentEnv: {},
 * });
 * endpoints.reference; // "tcp://127.0.0.1:5559"
 * services[0].argv.at(-1); // "/src/agora/reference/main.ts"
 * ```
 */
export function buildPlan(
  specs: readonly ServiceSpec[],
  ports: PortMap,
  inputs: PlanInputs,
): { services: ServicePlan[]; endpoints: ClusterEndpoints } {
  const endpoints = clusterEndpoints(specs, ports, inputs.host);
  const logDir = `${inputs.root}/logs`;
  const services = specs.map((spec): ServicePlan => {
    const mine = ports[spec.name] ?? {};
    const dataDir = spec.stateful
      ? `${inputs.root}/data/${spec.name}`
      : undefined;
    const own = _ownEnv(spec, mine, endpoints, {
      logDir,
      dataDir,
      secret: inputs.secret,
      curve: _curveEnv(inputs.parentEnv),
      host: inputs.host ?? "127.0.0.1",
    });
    const bots = specs.filter((s) => s.folder === "bot").map((s) => s.name);
    if (spec.folder === "ui" && bots.length > 0) {
      // The tests page checks these bots by name (each chats as its service
      // name); spotting "bots" among all users counted people as bots.
      own.AGORA_TEST_BOTS = bots.join(",");
    }
    const listen = spec.folder === "ui"
      ? [`${inputs.host ?? "127.0.0.1"}:${mine.http}`]
      : [];
    const flags = permissionFlags(spec.folder, {
      logDir,
      dataDir,
      listen,
      readOnly: spec.folder === "ui" ? [`${inputs.repo}/ui`] : [],
    });
    const entry = `${inputs.repo}/${spec.folder}/main.ts`;
    return {
      name: spec.name,
      folder: spec.folder,
      dependsOn: [...spec.dependsOn],
      ports: { ...mine },
      endpoints: _serviceEndpoints(mine, inputs.host),
      argv: [
        inputs.deno,
        "run",
        `--config=${inputs.repo}/deno.json`,
        ...flags,
        entry,
        ..._scriptArgs(spec),
      ],
      entry,
      env: serviceEnv(inputs.parentEnv, {
        ...own,
        ...spec.env,
        ...(inputs.extraEnv?.[spec.name] ?? {}),
      }),
      cwd: inputs.root,
      dataDir,
      outFile: `${logDir}/${spec.name}.out`,
      logFile: `${logDir}/${spec.name}.jsonl`,
      probe: _probe(spec, mine, logDir, inputs.host),
    };
  });
  return { services, endpoints };
}

/**
 * The endpoints clients of the cluster dial. Throws when the topology has
 * no reference or proxy.
 */
export function clusterEndpoints(
  specs: readonly ServiceSpec[],
  ports: PortMap,
  host = "127.0.0.1",
): ClusterEndpoints {
  const reference = specs.find((s) => s.folder === "reference");
  const proxy = specs.find((s) => s.folder === "proxy");
  if (reference === undefined || proxy === undefined) {
    throw new Error("The topology needs a reference and a proxy.");
  }
  const ui = specs.find((s) => s.folder === "ui");
  const tcp = (port: number | undefined) => `tcp://${host}:${port}`;
  const endpoints: ClusterEndpoints = {
    reference: tcp(ports[reference.name]?.rep),
    proxyPub: tcp(ports[proxy.name]?.xsub),
    proxySub: tcp(ports[proxy.name]?.xpub),
    servers: Object.fromEntries(
      specs.filter((s) => s.folder === "server").map((s) => [
        s.name,
        tcp(ports[s.name]?.rep),
      ]),
    ),
  };
  if (ui !== undefined) {
    endpoints.ui = `http://${host}:${ports[ui.name]?.http}/`;
  }
  return endpoints;
}

/**
 * The `AGORA_*` client settings for a cluster's endpoints (what the bot, the
 * ui and the terminal client read).
 */
export function clientEnv(endpoints: ClusterEndpoints): Record<string, string> {
  return {
    AGORA_REFERENCE: endpoints.reference,
    AGORA_PROXY_PUB: endpoints.proxyPub,
    AGORA_PROXY_SUB: endpoints.proxySub,
    AGORA_SERVERS: Object.values(endpoints.servers).join(","),
  };
}

function _ownEnv(
  spec: ServiceSpec,
  ports: Record<string, number>,
  endpoints: ClusterEndpoints,
  where: {
    logDir: string;
    dataDir?: string;
    secret: string;
    curve: Record<string, string>;
    host: string;
  },
): Record<string, string> {
  const bind = (port: number | undefined) => `tcp://${where.host}:${port}`;
  const common = { AGORA_NAME: spec.name, AGORA_LOG_DIR: where.logDir };
  const data: Record<string, string> = where.dataDir === undefined
    ? {}
    : { AGORA_DATA_DIR: where.dataDir };
  switch (spec.folder) {
    case "reference":
      return { ...common, ...data, AGORA_BIND: bind(ports.rep) };
    case "proxy":
      return {
        ...common,
        AGORA_XSUB_BIND: bind(ports.xsub),
        AGORA_XPUB_BIND: bind(ports.xpub),
      };
    case "server":
      return {
        ...common,
        ...data,
        ...clientEnv(endpoints),
        AGORA_SERVER_NAME: spec.name,
        AGORA_BIND: bind(ports.rep),
        AGORA_ADVERTISE: bind(ports.rep),
        AGORA_CLUSTER_SECRET: where.secret,
        ...where.curve,
        // The CURVE peer socket takes an ephemeral port (peers learn it from
        // the reference): `--base-port` packs the servers' ports together, so
        // the server's default (its port + 1) could collide.
        ...(where.curve.AGORA_CURVE_SECRET_KEY === undefined
          ? {}
          : { AGORA_PEER_BIND: `tcp://${where.host}:*` }),
      };
    case "bot":
      return { ...common, ...clientEnv(endpoints) };
    case "ui":
      return {
        ...common,
        ...clientEnv(endpoints),
        AGORA_HTTP_HOST: where.host,
        AGORA_HTTP_PORT: String(ports.http),
      };
    default: {
      const never: never = spec.folder;
      throw new Error(`Unknown service folder "${never}".`);
    }
  }
}

/**
 * Arguments after the entry point. A bot chats as its service name
 * (`bot_1`), so its user survives restarts and the status and the
 * acceptance suite know whom to look for.
 */
function _scriptArgs(spec: ServiceSpec): string[] {
  return spec.folder === "bot" ? ["--user", spec.name] : [];
}

function _serviceEndpoints(
  ports: Record<string, number>,
  host = "127.0.0.1",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, port] of Object.entries(ports)) {
    out[role] = role === "http"
      ? `http://${host}:${port}/`
      : `tcp://${host}:${port}`;
  }
  return out;
}

function _probe(
  spec: ServiceSpec,
  ports: Record<string, number>,
  logDir: string,
  host = "127.0.0.1",
): ReadinessProbe {
  const tcp = (port: number | undefined) => `tcp://${host}:${port}`;
  switch (spec.folder) {
    case "reference":
      return { kind: "reference", targets: [tcp(ports.rep)] };
    case "server":
      return { kind: "server", targets: [tcp(ports.rep)] };
    case "proxy":
      return { kind: "tcp", targets: [tcp(ports.xsub), tcp(ports.xpub)] };
    case "ui":
      return {
        kind: "http",
        targets: [`http://${host}:${ports.http}/healthz`],
      };
    case "bot":
      return {
        kind: "log",
        targets: [`${logDir}/${spec.name}.jsonl`],
        event: "logged_in",
      };
    default: {
      const never: never = spec.folder;
      throw new Error(`Unknown service folder "${never}".`);
    }
  }
}

/**
 * The cluster's CURVE keypair from the parent environment, for the servers
 * only (like the cluster secret, it must not reach bots or the ui).
 */
function _curveEnv(
  parent: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["AGORA_CURVE_PUBLIC_KEY", "AGORA_CURVE_SECRET_KEY"]) {
    const value = parent[name];
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}
