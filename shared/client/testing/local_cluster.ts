/**
 * A real agora cluster for integration tests: the reference, the proxy and
 * N chat servers as child processes on 127.0.0.1, on free ports, with their
 * data and logs in a temporary directory.
 *
 * @module
 */

import { AgoraClient } from "../agora_client.ts";
import { ReferenceClient } from "../reference_client.ts";
import { ManagedProcess } from "./managed_process.ts";
import { waitFor } from "./wait_for.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** Whether `server/main.ts` exists yet (integration tests skip without it). */
export const serverAvailable: boolean = (() => {
  try {
    return Deno.statSync(`${ROOT}server/main.ts`).isFile;
  } catch {
    return false;
  }
})();

/** Absolute path of the workspace root. */
export const WORKSPACE_ROOT: string = ROOT;

/** Options of {@linkcode startLocalCluster}. */
export interface LocalClusterOptions {
  /** Number of chat servers (default 1; 0 for reference + proxy only). */
  servers?: number;
  /** ms a server may stay silent before the reference drops it (default 3000). */
  heartbeatTimeoutMs?: number;
  /** Extra environment for every server. */
  serverEnv?: Record<string, string>;
  /** ms to wait for everything to be ready (default 30 000). */
  readyTimeoutMs?: number;
}

/** One chat server of a {@linkcode LocalCluster}. */
export interface LocalServer {
  /** Its name (`server_1`, …). */
  name: string;
  /** Its REP endpoint. */
  endpoint: string;
}

/** A running local cluster. */
export interface LocalCluster {
  /** The temporary directory holding `data/` and `logs/`. */
  dir: string;
  /** The reference's endpoint. */
  reference: string;
  /** The proxy's XSUB endpoint (publishers connect). */
  proxyPub: string;
  /** The proxy's XPUB endpoint (subscribers connect). */
  proxySub: string;
  /** The chat servers. */
  servers: LocalServer[];
  /** Environment for client processes (`AGORA_REFERENCE`, `AGORA_SERVERS`, `AGORA_PROXY_SUB`, `AGORA_LOG_DIR`). */
  clientEnv: Record<string, string>;
  /** Stops one process (`reference`, `proxy` or a server name). */
  stop(name: string): Promise<void>;
  /** Starts a stopped process again on the same ports and data. */
  restart(name: string): Promise<void>;
  /** The captured output of a process, for failure messages. */
  output(name: string): string;
  /** Stops everything and removes the directory. */
  close(): Promise<void>;
}

/** Ports free right now on 127.0.0.1 (distinct from each other). */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  return ports;
}

/**
 * Starts a cluster and waits until the reference answers, the proxy
 * listens, and every server is listed by the reference and answers
 * `channels`.
 *
 * @example
 * ```ts
 * import { startLocalCluster } from "@agora/shared/client/testing";
 * const cluster = await startLocalCluster({ servers: 2 });
 * try {
 *   console.log(cluster.servers.map((s) => s.endpoint));
 * } finally {
 *   await cluster.close();
 * }
 * ```
 */
export async function startLocalCluster(
  options: LocalClusterOptions = {},
): Promise<LocalCluster> {
  const serverCount = options.servers ?? 1;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const dir = await Deno.makeTempDir({ prefix: "agora_cluster_" });
  const [referencePort, xsubPort, xpubPort, ...serverPorts] = freePorts(
    3 + serverCount,
  );
  const reference = `tcp://127.0.0.1:${referencePort}`;
  const proxyPub = `tcp://127.0.0.1:${xsubPort}`;
  const proxySub = `tcp://127.0.0.1:${xpubPort}`;
  const servers = serverPorts.map((port, i) => ({
    name: `server_${i + 1}`,
    endpoint: `tcp://127.0.0.1:${port}`,
  }));
  const logDir = `${dir}/logs`;
  const specs = new Map<
    string,
    { main: string; env: Record<string, string> }
  >();
  specs.set("reference", {
    main: `${ROOT}reference/main.ts`,
    env: {
      AGORA_BIND: reference,
      AGORA_DATA_DIR: `${dir}/data/reference`,
      AGORA_LOG_DIR: logDir,
      AGORA_HEARTBEAT_TIMEOUT_MS: String(options.heartbeatTimeoutMs ?? 3000),
    },
  });
  specs.set("proxy", {
    main: `${ROOT}proxy/main.ts`,
    env: {
      AGORA_XSUB_BIND: proxyPub,
      AGORA_XPUB_BIND: proxySub,
      AGORA_LOG_DIR: logDir,
    },
  });
  for (const server of servers) {
    specs.set(server.name, {
      main: `${ROOT}server/main.ts`,
      env: {
        AGORA_SERVER_NAME: server.name,
        AGORA_BIND: server.endpoint,
        AGORA_ADVERTISE: server.endpoint,
        AGORA_REFERENCE: reference,
        AGORA_PROXY_PUB: proxyPub,
        AGORA_PROXY_SUB: proxySub,
        AGORA_DATA_DIR: `${dir}/data/${server.name}`,
        AGORA_LOG_DIR: logDir,
        AGORA_CLUSTER_SECRET: "test-secret",
        ...options.serverEnv,
      },
    });
  }
  const processes = new Map<string, ManagedProcess>();
  const referenceClient = new ReferenceClient({
    endpoint: reference,
    timeoutMs: 500,
    attempts: 1,
  });

  function launch(name: string): void {
    const spec = specs.get(name);
    if (spec === undefined) throw new Error(`Unknown process "${name}".`);
    processes.set(
      name,
      ManagedProcess.start({
        name,
        main: spec.main,
        env: spec.env,
        cwd: dir,
        config: `${ROOT}deno.json`,
      }),
    );
  }

  function diagnostics(): string {
    return [...processes].map(([name, p]) =>
      `--- ${name} (exit ${p.status?.code ?? "running"}):\n${p.output}`
    ).join("\n");
  }

  async function ready(name: string): Promise<void> {
    if (name === "reference") {
      await waitFor(
        () => referenceClient.list().then(() => true),
        readyTimeoutMs,
        "the reference to answer",
      );
    } else if (name === "proxy") {
      await waitFor(
        async () => {
          for (const port of [xsubPort, xpubPort]) {
            const conn = await Deno.connect({ hostname: "127.0.0.1", port });
            conn.close();
          }
          return true;
        },
        readyTimeoutMs,
        "the proxy to listen",
      );
    } else {
      const server = servers.find((s) => s.name === name)!;
      await waitFor(
        async () => {
          if (processes.get(name)?.status !== undefined) {
            throw new Error(`${name} exited`);
          }
          const list = await referenceClient.list();
          if (
            !list.some((e) => e.name === name && e.address === server.endpoint)
          ) return false;
          // The reference may still list a previous process of this name
          // (until its heartbeat times out): only an answer from the
          // endpoint itself proves the new process serves.
          const probe = new AgoraClient({ servers: [server.endpoint] });
          try {
            await probe.requestTo(server.endpoint, "channels", {}, {
              timeoutMs: 500,
            });
            return true;
          } finally {
            await probe.close();
          }
        },
        readyTimeoutMs,
        `${name} to register with the reference`,
      );
    }
  }

  async function stop(name: string): Promise<void> {
    const process = processes.get(name);
    if (process === undefined) return;
    processes.delete(name);
    await process.stop();
  }

  try {
    launch("reference");
    launch("proxy");
    await ready("reference");
    await ready("proxy");
    for (const server of servers) launch(server.name);
    for (const server of servers) await ready(server.name);
  } catch (error) {
    const text = diagnostics();
    referenceClient.close();
    for (const name of [...processes.keys()]) await stop(name);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(
      `${error instanceof Error ? error.message : error}\n${text}`,
    );
  }

  return {
    dir,
    reference,
    proxyPub,
    proxySub,
    servers,
    clientEnv: {
      AGORA_REFERENCE: reference,
      AGORA_SERVERS: servers.map((s) => s.endpoint).join(","),
      AGORA_PROXY_SUB: proxySub,
      AGORA_LOG_DIR: logDir,
    },
    stop,
    async restart(name: string): Promise<void> {
      await stop(name);
      launch(name);
      await ready(name);
    },
    output(name: string): string {
      return processes.get(name)?.output ?? "";
    },
    async close(): Promise<void> {
      referenceClient.close();
      // Servers first, so they do not log the reference or proxy vanishing.
      const all = [...processes.keys()];
      const names = [
        ...all.filter((n) => n.startsWith("server_")),
        ...all.filter((n) => !n.startsWith("server_")),
      ];
      for (const name of names) await stop(name);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
