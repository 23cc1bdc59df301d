/**
 * The topology of a local agora cluster: every service `deno task up` starts,
 * with its entry point, ports, dependencies and least-privilege permissions.
 *
 * This table is the single source of truth for the local runner and is
 * checked against `docker-compose.yml` so the two never drift apart.
 *
 * @module
 */

/** One service of the cluster, as the local runner starts it. */
export interface ServiceSpec {
  /** Service name; also its log file (`logs/<name>.jsonl`) and data dir. */
  name: string;
  /** Workspace folder holding the entry point (`<folder>/main.ts`). */
  folder: "reference" | "proxy" | "server" | "bot" | "ui";
  /** TCP ports it binds on 127.0.0.1, by role. */
  ports: Record<string, number>;
  /** Services that must be ready before this one starts. */
  dependsOn: string[];
  /** Whether it keeps state under `data/<name>/`. */
  stateful: boolean;
  /** Extra environment for this instance. */
  env: Record<string, string>;
}

/** Default ports, as in the protocol. */
export const DEFAULT_PORTS = {
  reference: 5559,
  proxyPub: 5557,
  proxySub: 5558,
  ui: 8080,
} as const;

/** Local ports of the three servers (one host needs distinct ports). */
export const SERVER_PORTS = [5555, 5565, 5575] as const;

/** Every service of the default local cluster, in start order. */
export const SERVICES: readonly ServiceSpec[] = [
  {
    name: "reference",
    folder: "reference",
    ports: { rep: DEFAULT_PORTS.reference },
    dependsOn: [],
    stateful: true,
    env: {},
  },
  {
    name: "proxy",
    folder: "proxy",
    ports: { xsub: DEFAULT_PORTS.proxyPub, xpub: DEFAULT_PORTS.proxySub },
    dependsOn: [],
    stateful: false,
    env: {},
  },
  ...SERVER_PORTS.map((port, i): ServiceSpec => ({
    name: `server_${i + 1}`,
    folder: "server",
    ports: { rep: port },
    dependsOn: ["reference", "proxy"],
    stateful: true,
    env: {},
  })),
  ...[1, 2].map((i): ServiceSpec => ({
    name: `bot_${i}`,
    folder: "bot",
    ports: {},
    dependsOn: ["server_1", "server_2", "server_3", "proxy"],
    stateful: false,
    env: {},
  })),
  {
    name: "ui",
    folder: "ui",
    ports: { http: DEFAULT_PORTS.ui },
    dependsOn: ["reference", "proxy", "server_1", "server_2", "server_3"],
    stateful: false,
    env: {},
  },
];
