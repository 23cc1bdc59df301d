/**
 * Starts a real agora cluster for tests: a reference, a proxy and N chat
 * servers as child processes (`deno run -A …/main.ts`) on free ports of
 * 127.0.0.1, with data and logs in a temporary directory. Processes can be
 * stopped (SIGTERM), killed (SIGKILL) and restarted on the same ports and
 * data; {@linkcode Cluster.stop} kills everything that is left and removes
 * the directory (unless `keep`).
 *
 * Readiness is polled with a deadline, never slept: the reference answers
 * `list`, the proxy accepts TCP connections, a server answers `status`
 * (and, with `registered`, reports its rank).
 *
 * @example
 * ```ts ignore
 * import { startCluster } from "./cluster.ts";
 * const cluster = await startCluster({ servers: 3 });
 * try {
 *   const status = await cluster.status("server_1");
 *   await cluster.kill("server_1");
 *   await cluster.start("server_1");
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 *
 * @module
 */

import { TestClient, waitFor, type WireReply } from "./client.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SERVER_MAIN = `${ROOT}server/main.ts`;
const REFERENCE_MAIN = `${ROOT}reference/main.ts`;
const PROXY_MAIN = `${ROOT}proxy/main.ts`;
const STDERR_KEEP_BYTES = 64 * 1024;

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Servers to start, named `server_1`, `server_2`… (default 1). */
  servers?: number;
  /** The cluster secret (default a fixed test value). */
  secret?: string;
  /** Extra flags for every server. */
  serverArgs?: readonly string[];
  /** Extra flags per server name. */
  serverArgsFor?: Readonly<Record<string, readonly string[]>>;
  /** Extra environment for every process. */
  env?: Readonly<Record<string, string>>;
  /** Wait for each server to report its rank (default true). */
  registered?: boolean;
  /** Keep the temporary directory (for debugging). */
  keep?: boolean;
  /** Start deadline per process, ms (default 20 000). */
  startTimeoutMs?: number;
}

/** One child process. */
export interface Child {
  /** Name (`reference`, `proxy`, `server_1`…). */
  readonly name: string;
  /** Whether it is running. */
  readonly running: boolean;
  /** Process id, while running. */
  readonly pid: number | undefined;
  /** The last bytes it wrote to stderr. */
  stderr(): string;
  /** How it last exited (undefined while running or never started). */
  readonly exitStatus: Deno.CommandStatus | undefined;
}

/** A server of the cluster. */
export interface ServerInfo extends Child {
  /** Its request endpoint. */
  readonly endpoint: string;
  /** Its data directory. */
  readonly dataDir: string;
}

/** A running test cluster. */
export interface Cluster {
  /** The temporary directory (data, logs). */
  readonly root: string;
  /** The reference's endpoint. */
  readonly reference: string;
  /** The proxy's XSUB endpoint (publishers). */
  readonly proxyPub: string;
  /** The proxy's XPUB endpoint (subscribers). */
  readonly proxySub: string;
  /** The cluster secret. */
  readonly secret: string;
  /** Every server ever started, in start order. */
  readonly servers: readonly ServerInfo[];
  /** A server by name (throws if unknown). */
  server(name: string): ServerInfo;
  /** A client for a server (cached; closed by `stop`). */
  client(name: string): TestClient;
  /** Sends a request to a server and returns the decoded reply. */
  call(
    name: string,
    service: string,
    data?: Record<string, unknown>,
  ): Promise<WireReply>;
  /** A server's `status` data. */
  status(name: string): Promise<Record<string, unknown>>;
  /**
   * Starts a server (new, or stopped before: same port and data), with
   * optional extra flags; resolves once it answers (and is registered).
   */
  start(name: string, extraArgs?: readonly string[]): Promise<ServerInfo>;
  /** SIGTERM to a server; resolves when it exited. */
  terminate(name: string): Promise<void>;
  /** SIGKILL to a server; resolves when it exited. */
  kill(name: string): Promise<void>;
  /** Terminate then start again. */
  restart(name: string): Promise<void>;
  /** SIGKILL to the reference, then (if `restart`) starts it again. */
  killReference(restart?: boolean): Promise<void>;
  /** Starts the reference again after `killReference(false)`. */
  startReference(): Promise<void>;
  /** SIGKILL to the proxy, then (if `restart`) starts it again. */
  killProxy(restart?: boolean): Promise<void>;
  /** Starts the proxy again after `killProxy(false)`. */
  startProxy(): Promise<void>;
  /** Kills everything, closes clients, removes the directory. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

class Process implements Child {
  readonly name: string;
  readonly #args: () => string[];
  readonly #env: Record<string, string>;
  #child: Deno.ChildProcess | undefined;
  #exited = false;
  #exitStatus: Deno.CommandStatus | undefined;
  #stderr = "";
  #reading: Promise<void> | undefined;

  constructor(name: string, args: () => string[], env: Record<string, string>) {
    this.name = name;
    this.#args = args;
    this.#env = env;
  }

  get running(): boolean {
    return this.#child !== undefined && !this.#exited;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  stderr(): string {
    return this.#stderr;
  }

  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#exitStatus;
  }

  spawn(extra: readonly string[] = []): void {
    if (this.#child) throw new Error(`${this.name} is already running`);
    const child = new Deno.Command(Deno.execPath(), {
      args: [...this.#args(), ...extra],
      env: this.#env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#exited = false;
    this.#exitStatus = undefined;
    child.status.then((status) => {
      this.#exited = true;
      this.#exitStatus = status;
    });
    this.#reading = this.#collect(child.stderr);
  }

  async signal(signal: Deno.Signal): Promise<void> {
    const child = this.#child;
    if (!child) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    await child.status;
    await this.#reading;
    this.#child = undefined;
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true }))
          .slice(-STDERR_KEEP_BYTES);
      }
    } catch {
      // The stream ends with the process.
    }
  }
}

class ServerProcess extends Process implements ServerInfo {
  readonly endpoint: string;
  readonly dataDir: string;
  constructor(
    name: string,
    args: () => string[],
    env: Record<string, string>,
    endpoint: string,
    dataDir: string,
  ) {
    super(name, args, env);
    this.endpoint = endpoint;
    this.dataDir = dataDir;
  }
}

/** Starts a cluster (see the module docs). */
export async function startCluster(
  options: ClusterOptions = {},
): Promise<Cluster> {
  const root = await Deno.makeTempDir({ prefix: "agora_cluster_" });
  const secret = options.secret ?? "agora-test-secret";
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const logDir = `${root}/logs`;
  const env: Record<string, string> = {
    AGORA_LOG_LEVEL: "info",
    ...options.env,
  };
  const referencePort = freePort();
  const pubPort = freePort();
  const subPort = freePort();
  const reference = `tcp://127.0.0.1:${referencePort}`;
  const proxyPub = `tcp://127.0.0.1:${pubPort}`;
  const proxySub = `tcp://127.0.0.1:${subPort}`;
  const referenceProcess = new Process("reference", () => [
    "run",
    "-A",
    REFERENCE_MAIN,
    "--bind",
    reference,
    "--data-dir",
    `${root}/data/reference`,
    "--log-dir",
    logDir,
    "--heartbeat-timeout-ms",
    "3000",
  ], env);
  const proxyProcess = new Process("proxy", () => [
    "run",
    "-A",
    PROXY_MAIN,
    "--xsub",
    proxyPub,
    "--xpub",
    proxySub,
    "--log-dir",
    logDir,
  ], env);
  const servers = new Map<string, ServerProcess>();
  const clients = new Map<string, TestClient>();
  const probe = new Map<string, TestClient>();

  function probeClient(endpoint: string): TestClient {
    let client = probe.get(endpoint);
    if (!client) {
      client = new TestClient(endpoint, 500);
      probe.set(endpoint, client);
    }
    return client;
  }

  async function startReference(): Promise<void> {
    referenceProcess.spawn();
    await waitReady(referenceProcess, async () => {
      const reply = await probeClient(reference).call("list");
      return Array.isArray(reply.data.list);
    }, timeoutMs);
  }

  async function startProxy(): Promise<void> {
    proxyProcess.spawn();
    await waitReady(proxyProcess, async () => {
      for (const port of [pubPort, subPort]) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        conn.close();
      }
      return true;
    }, timeoutMs);
  }

  function server(name: string): ServerProcess {
    const found = servers.get(name);
    if (!found) throw new Error(`No server "${name}" in this cluster`);
    return found;
  }

  async function start(
    name: string,
    extraArgs: readonly string[] = [],
  ): Promise<ServerInfo> {
    let process = servers.get(name);
    if (!process) {
      const endpoint = `tcp://127.0.0.1:${freePort()}`;
      const dataDir = `${root}/data/${name}`;
      const args = [
        "run",
        "-A",
        SERVER_MAIN,
        "--name",
        name,
        "--bind",
        endpoint,
        "--reference",
        reference,
        "--proxy-pub",
        proxyPub,
        "--proxy-sub",
        proxySub,
        "--data-dir",
        dataDir,
        "--log-dir",
        logDir,
        ...(options.serverArgs ?? []),
        ...(options.serverArgsFor?.[name] ?? []),
      ];
      process = new ServerProcess(
        name,
        () => args,
        { ...env, AGORA_CLUSTER_SECRET: secret },
        endpoint,
        dataDir,
      );
      servers.set(name, process);
    }
    const started = process;
    started.spawn(extraArgs);
    await waitReady(started, async () => {
      const reply = await probeClient(started.endpoint).call("status");
      return options.registered === false ||
        typeof reply.data.rank === "number";
    }, timeoutMs);
    return started;
  }

  async function stopAll(): Promise<void> {
    for (const client of [...clients.values(), ...probe.values()]) {
      client.close();
    }
    clients.clear();
    probe.clear();
    await Promise.all([
      ...[...servers.values()].map((p) => p.signal("SIGKILL")),
      referenceProcess.signal("SIGKILL"),
      proxyProcess.signal("SIGKILL"),
    ]);
    if (!options.keep) {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  }

  try {
    await Promise.all([startReference(), startProxy()]);
    for (let i = 1; i <= (options.servers ?? 1); i++) {
      await start(`server_${i}`);
    }
  } catch (error) {
    const details = [referenceProcess, proxyProcess, ...servers.values()]
      .map((p) => `--- ${p.name} stderr:\n${p.stderr().slice(-2000)}`)
      .join("\n");
    await stopAll();
    throw new Error(`Could not start the cluster: ${error}\n${details}`);
  }

  const cluster: Cluster = {
    root,
    reference,
    proxyPub,
    proxySub,
    secret,
    get servers() {
      return [...servers.values()];
    },
    server,
    client(name) {
      let client = clients.get(name);
      if (!client) {
        client = new TestClient(server(name).endpoint);
        clients.set(name, client);
      }
      return client;
    },
    call(name, service, data = {}) {
      return cluster.client(name).call(service, data);
    },
    async status(name) {
      const reply = await cluster.call(name, "status");
      if (reply.service !== "status") {
        throw new Error(`status refused: ${JSON.stringify(reply.data)}`);
      }
      return reply.data;
    },
    start,
    async terminate(name) {
      await server(name).signal("SIGTERM");
    },
    async kill(name) {
      await server(name).signal("SIGKILL");
    },
    async restart(name) {
      await server(name).signal("SIGTERM");
      await start(name);
    },
    async killReference(restart = true) {
      await referenceProcess.signal("SIGKILL");
      if (restart) await startReference();
    },
    startReference,
    async killProxy(restart = true) {
      await proxyProcess.signal("SIGKILL");
      if (restart) await startProxy();
    },
    startProxy,
    stop: stopAll,
  };
  return cluster;
}

/**
 * Polls `check` until it returns true; fails at once if the process exited,
 * or after `timeoutMs`.
 */
async function waitReady(
  process: Child,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    `${process.name} to be ready`,
    async () => {
      if (!process.running) {
        throw new ExitedError(
          `${process.name} exited:\n${process.stderr().slice(-2000)}`,
        );
      }
      return await check();
    },
    timeoutMs,
    50,
    (error) => error instanceof ExitedError,
  );
}

class ExitedError extends Error {}
