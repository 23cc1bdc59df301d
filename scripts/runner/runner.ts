/**
 * The local runner: starts, stops and inspects the cluster's services as
 * background processes, with pid files, readiness checks, per-service
 * permissions and configurable ports. `scripts/up.ts`, `down.ts`,
 * `status.ts`, the acceptance suite and the tests all drive this class.
 *
 * @example
 * ```ts ignore
 * import { Runner } from "./runner.ts";
 * const runner = await Runner.open({ root: "/tmp/agora", ports: { basePort: 7000 } });
 * await runner.up();                 // everything, in dependency order
 * await runner.down(["server_2"]);   // one service, for a fault drill
 * await runner.up(["server_2"]);
 * await runner.down();               // everything, in reverse order
 * ```
 *
 * @module
 */

import { SERVICES, type ServiceSpec } from "../services.ts";
import {
  type PidRecord,
  readPidState,
  removePidFile,
  writePidRecord,
} from "./pid_file.ts";
import { buildPlan, type ClusterEndpoints, type ServicePlan } from "./plan.ts";
import { portIsFree } from "./port_probe.ts";
import { type PortMap, type PortOptions, resolvePorts } from "./ports.ts";
import {
  listProcesses,
  type ProcessIdentity,
  readIdentity,
  runsArgv,
} from "./process_identity.ts";
import { fileSize, waitReady } from "./readiness.ts";
import {
  loadClusterSecret,
  readClusterState,
  type RunPaths,
  runPaths,
  saveClusterSecret,
  type SecretSource,
  withRunLock,
  writeClusterState,
} from "./run_state.ts";
import { spawnService } from "./spawn.ts";
import { type StopOutcome, stopProcess } from "./stop.ts";
import { serviceWaves } from "./waves.ts";

/** Options of {@link Runner.open}. */
export interface RunnerOptions {
  /** Repository with the entry points (default: this file's repository). */
  repo?: string;
  /** Where `data/`, `logs/` and `.run/` live (default: the repository). */
  root?: string;
  /** The topology (default `scripts/services.ts`). */
  services?: readonly ServiceSpec[];
  /** Port choices; the environment's `AGORA_PORT_*` apply too. */
  ports?: Omit<PortOptions, "env">;
  /** The environment (default `Deno.env.toObject()`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Extra environment per service name. */
  extraEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Deadline for each service to become ready (default 30 000 ms). */
  readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL (default 5000 ms). */
  stopGraceMs?: number;
  /**
   * Detach the processes (default true). With `false` they stay children of
   * this process, which must `down()` them before it ends.
   */
  detach?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What `up` did for one service. */
export interface UpResult {
  /** Service name. */
  name: string;
  /** Whether it was started now or found running. */
  action: "started" | "already running";
  /** Its pid. */
  pid: number;
  /** How long it took to become ready, ms (0 when already running). */
  readyMs: number;
}

/** What `down` did for one service. */
export interface DownResult {
  /** Service name. */
  name: string;
  /** How it ended (`not running` when there was nothing to stop). */
  outcome: StopOutcome | "not running" | "stale pid file removed";
  /** The pid that was stopped, if any. */
  pid?: number;
}

/** A service's process, as the pid files say. */
export interface ProcessInfo {
  /** Its plan (ports, endpoints, probe). */
  plan: ServicePlan;
  /** Running, stopped, or a stale pid file (with why). */
  state: "running" | "stopped" | "stale";
  /** The pid file's record when running or stale. */
  record?: PidRecord;
  /** Why a pid file is stale. */
  why?: string;
  /**
   * Set when the service runs without a valid pid file (lost or damaged):
   * its process was found by its exact command line, `record` is made from
   * it, and this says what was wrong with the file.
   */
  adopted?: string;
}

/** Options of {@link Runner.up}. */
export interface UpOptions {
  /** Start only the named services, not their missing dependencies. */
  noDeps?: boolean;
}

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Starts, stops and inspects the services of one runner root. */
export class Runner {
  /** Paths under the root. */
  readonly paths: RunPaths;
  /** Every service's plan, in topology order. */
  readonly services: readonly ServicePlan[];
  /** The cluster's client endpoints. */
  readonly endpoints: ClusterEndpoints;
  /** Ports by service and role. */
  readonly ports: PortMap;
  /** The cluster secret the servers get (for peer requests such as `status`). */
  readonly secret: string;
  #secretSource: SecretSource;
  readonly #options: RunnerOptions;
  readonly #exited = new Map<number, Promise<Deno.CommandStatus>>();

  private constructor(
    options: RunnerOptions,
    paths: RunPaths,
    plan: { services: ServicePlan[]; endpoints: ClusterEndpoints },
    ports: PortMap,
    secret: { secret: string; source: SecretSource },
  ) {
    this.#options = options;
    this.secret = secret.secret;
    this.#secretSource = secret.source;
    this.paths = paths;
    this.services = plan.services;
    this.endpoints = plan.endpoints;
    this.ports = ports;
  }

  /**
   * Opens the runner at `options.root`. If services of that root are
   * running, the ports recorded when they were started are kept (so `up
   * server_2` brings a server back where its peers expect it); asking for
   * different ports then throws (stop the cluster first). Otherwise the
   * ports come from the options, the environment and the defaults.
   */
  static async open(options: RunnerOptions = {}): Promise<Runner> {
    const repo = options.repo ?? REPO;
    const root = _absolute(options.root ?? repo);
    const env = options.env ?? Deno.env.toObject();
    const specs = options.services ?? SERVICES;
    const paths = runPaths(root);
    const requested = resolvePorts(specs, { ...options.ports, env });
    const explicit = options.ports?.basePort !== undefined ||
      options.ports?.overrides !== undefined ||
      Object.keys(env).some((k) =>
        k === "AGORA_BASE_PORT" || k.startsWith("AGORA_PORT_")
      );
    const recorded = await readClusterState(paths);
    let ports = requested;
    if (recorded !== undefined) {
      const running = await _runningNames(paths, specs);
      if (running.length > 0) {
        const known = specs.every((s) => recorded.ports[s.name] !== undefined);
        if (
          explicit && JSON.stringify(_pick(recorded.ports, specs)) !==
            JSON.stringify(requested)
        ) {
          throw new Error(
            `Services in ${root} (${
              running.join(", ")
            }) run on other ports than requested; run "deno task down" first or drop the port options.`,
          );
        }
        if (known) ports = _pick(recorded.ports, specs);
      }
    }
    const secret = await loadClusterSecret(paths, env);
    const plan = buildPlan(specs, ports, {
      repo,
      root,
      deno: Deno.execPath(),
      secret: secret.secret,
      parentEnv: env,
      extraEnv: options.extraEnv,
    });
    return new Runner(options, paths, plan, ports, secret);
  }

  /** The plan of `name`; throws naming the known services otherwise. */
  service(name: string): ServicePlan {
    const plan = this.services.find((s) => s.name === name);
    if (plan === undefined) {
      throw new Error(
        `Unknown service "${name}"; the services are ${
          this.services.map((s) => s.name).join(", ")
        }.`,
      );
    }
    return plan;
  }

  /**
   * Every service's process state; stale pid files are reported, not
   * removed. A service without a valid pid file whose process still runs
   * (found by its exact command line, which names this root) counts as
   * running, marked `adopted`, so it is neither started twice nor left
   * behind by `down`.
   */
  async processes(): Promise<ProcessInfo[]> {
    const states = await Promise.all(
      this.services.map((plan) => readPidState(this.paths.pidFile(plan.name))),
    );
    const all = states.some((s) => s.state !== "running")
      ? await listProcesses()
      : [];
    return this.services.map((plan, i): ProcessInfo => {
      const pid = states[i];
      const orphan = pid.state === "running"
        ? undefined
        : all.find((p) => p.pid !== Deno.pid && runsArgv(p, plan.argv));
      if (orphan !== undefined) {
        return {
          plan,
          state: "running",
          record: _adoptedRecord(plan, orphan),
          adopted: pid.state === "stale" ? pid.why : "no pid file",
        };
      }
      switch (pid.state) {
        case "stopped":
          return { plan, state: "stopped" as const };
        case "running":
          return { plan, state: "running" as const, record: pid.record };
        case "stale":
          return {
            plan,
            state: "stale" as const,
            record: pid.record,
            why: pid.why,
          };
      }
    });
  }

  /**
   * Starts `names` (default: all) and, unless `noDeps`, the dependencies
   * they need, in dependency order, each waited for until ready. Running
   * services are left alone. Every port to bind is checked first: one in
   * use by another process throws before anything starts. If a service
   * fails to become ready it is stopped again, the services that depend on
   * it are not started, and the error names it and what is still running
   * (as `docker compose up` leaves healthy containers up).
   */
  async up(
    names?: readonly string[],
    options: UpOptions = {},
  ): Promise<UpResult[]> {
    return await withRunLock(this.paths, async () => {
      const targets = this.#withDependencies(
        names ?? this.services.map((s) => s.name),
        !options.noDeps,
      );
      const states = new Map(
        (await this.processes()).map((p) => [p.plan.name, p]),
      );
      const toStart: ServicePlan[] = [];
      for (const name of targets) {
        const info = states.get(name)!;
        if (info.adopted !== undefined) {
          this.#log(
            `${name}: runs without a valid pid file (${info.adopted}): adopted pid ${
              info.record!.pid
            }`,
          );
          await writePidRecord(this.paths.pidFile(name), info.record!);
        }
        if (info.state === "stale") {
          this.#log(`${name}: removing stale pid file (${info.why})`);
          await removePidFile(this.paths.pidFile(name));
        }
        if (info.state !== "running") toStart.push(info.plan);
      }
      this.#checkPorts(toStart);
      if (this.#secretSource === "new" && toStart.length > 0) {
        await saveClusterSecret(this.paths, this.secret);
        this.#secretSource = "file";
      }
      await writeClusterState(this.paths, {
        ports: this.ports,
        endpoints: this.endpoints,
        updatedAt: new Date().toISOString(),
      });

      const results: UpResult[] = [];
      const startSet = new Set(toStart.map((s) => s.name));
      for (const name of targets) {
        const info = states.get(name)!;
        if (!startSet.has(name) && info.record !== undefined) {
          results.push({
            name,
            action: "already running",
            pid: info.record.pid,
            readyMs: 0,
          });
          this.#log(`${name}: already running (pid ${info.record.pid})`);
        }
      }
      for (const wave of serviceWaves(toStart)) {
        const attempts: PidRecord[][] = wave.map(() => []);
        const outcomes = await _settleInRankOrder(
          wave,
          (plan, i) => this.#startOne(plan, attempts[i]),
        );
        const failures: string[] = [];
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.status === "fulfilled") {
            results.push(outcome.value);
            continue;
          }
          failures.push((outcome.reason as Error).message);
          // A service that is not ready is not left half-started.
          await this.#stopRecords(attempts[i]);
        }
        if (failures.length > 0) {
          const left = toStart.filter((p) =>
            !results.some((r) => r.name === p.name) &&
            !wave.includes(p)
          ).map((p) => p.name);
          throw new Error(
            `${failures.join("\n")}${
              left.length > 0 ? `\nNot started: ${left.join(", ")}.` : ""
            }${
              results.length > 0
                ? `\nStill running: ${
                  results.map((r) => r.name).join(", ")
                } ("deno task down" stops them).`
                : ""
            }`,
          );
        }
      }
      return _inOrder(results, targets);
    });
  }

  /**
   * Stops `names` (default: all) in reverse dependency order: SIGTERM, then
   * SIGKILL after the grace period. Stale pid files are removed without
   * signalling anything.
   */
  async down(names?: readonly string[]): Promise<DownResult[]> {
    return await withRunLock(this.paths, async () => {
      const wanted = new Set(names ?? this.services.map((s) => s.name));
      for (const name of wanted) this.service(name);
      const infos = (await this.processes()).filter((p) =>
        wanted.has(p.plan.name)
      );
      const results: DownResult[] = [];
      const running = infos.filter((i) => i.state === "running");
      for (const info of infos) {
        if (info.state === "stale") {
          await removePidFile(this.paths.pidFile(info.plan.name));
          this.#log(`${info.plan.name}: stale pid file removed (${info.why})`);
          results.push({
            name: info.plan.name,
            outcome: "stale pid file removed",
          });
        } else if (info.state === "stopped") {
          results.push({ name: info.plan.name, outcome: "not running" });
        }
      }
      const waves = serviceWaves(running.map((i) => i.plan)).reverse();
      for (const wave of waves) {
        const records = wave.map((plan) =>
          running.find((i) => i.plan.name === plan.name)!.record!
        );
        results.push(...await this.#stopRecords(records));
      }
      const order = this.services.map((s) => s.name).reverse();
      return results.sort((a, b) =>
        order.indexOf(a.name) - order.indexOf(b.name)
      );
    });
  }

  async #startOne(plan: ServicePlan, started: PidRecord[]): Promise<UpResult> {
    const startMs = Date.now();
    const logSizeBefore = await fileSize(plan.logFile);
    this.#log(`${plan.name}: starting`);
    const spawned = await spawnService(plan, {
      detach: this.#options.detach ?? true,
    });
    if (spawned.exited !== undefined) {
      this.#exited.set(spawned.pid, spawned.exited);
    }
    const identity = await readIdentity(spawned.pid);
    const record: PidRecord = {
      name: plan.name,
      pid: spawned.pid,
      started: identity?.started ?? "",
      entry: plan.entry,
      argv: plan.argv,
      startedAt: new Date().toISOString(),
      endpoints: plan.endpoints,
      outFile: plan.outFile,
    };
    started.push(record);
    if (identity === undefined || identity.exited) {
      throw new Error(
        `${plan.name} exited at once; see ${plan.outFile}.`,
      );
    }
    await writePidRecord(this.paths.pidFile(plan.name), record);
    let exited = false;
    spawned.exited?.then(() => exited = true);
    await waitReady(plan.probe, {
      name: plan.name,
      timeoutMs: this.#options.readyTimeoutMs ?? 30_000,
      outFile: plan.outFile,
      logSizeBefore,
      alive: async () => {
        if (exited) return false;
        const now = await readIdentity(spawned.pid);
        return now !== undefined && !now.exited;
      },
    });
    if (plan.folder === "server") {
      // Ranks go by first registration with the reference: waiting (briefly,
      // best effort) for this server's registration before the next server
      // starts gives server_1 rank 1, server_2 rank 2… on a fresh cluster.
      // A server logs reference_down once its registration went unanswered
      // (its request timeout, 1 s by default): waiting on would gain nothing
      // and held `up` for the whole REGISTRATION_WAIT_MS.
      await waitReady(
        {
          kind: "log",
          targets: [plan.logFile],
          event: ["registered", "reference_down"],
        },
        {
          name: plan.name,
          timeoutMs: REGISTRATION_WAIT_MS,
          outFile: plan.outFile,
          logSizeBefore,
          alive: () => Promise.resolve(!exited),
        },
      ).catch(() => {
        // The reference may be down: the server serves anyway and registers
        // when it returns.
      });
    }
    const readyMs = Date.now() - startMs;
    this.#log(`${plan.name}: ready in ${readyMs} ms (pid ${spawned.pid})`);
    return { name: plan.name, action: "started", pid: spawned.pid, readyMs };
  }

  async #stopRecords(records: readonly PidRecord[]): Promise<DownResult[]> {
    return await Promise.all(records.map(async (record) => {
      this.#log(`${record.name}: stopping (pid ${record.pid})`);
      const outcome = await stopProcess(record, {
        graceMs: this.#options.stopGraceMs ?? 5000,
        exited: this.#exited.get(record.pid),
      });
      this.#exited.delete(record.pid);
      await removePidFile(this.paths.pidFile(record.name));
      this.#log(`${record.name}: ${outcome}`);
      return { name: record.name, outcome, pid: record.pid };
    }));
  }

  #withDependencies(names: readonly string[], withDeps: boolean): string[] {
    const wanted = new Set<string>();
    const visit = (name: string) => {
      if (wanted.has(name)) return;
      const plan = this.service(name);
      wanted.add(name);
      if (withDeps) {
        for (const dep of plan.dependsOn) {
          if (this.services.some((s) => s.name === dep)) visit(dep);
        }
      }
    };
    for (const name of names) visit(name);
    return this.services.map((s) => s.name).filter((n) => wanted.has(n));
  }

  #checkPorts(plans: readonly ServicePlan[]): void {
    const problems: string[] = [];
    for (const plan of plans) {
      for (const [role, port] of Object.entries(plan.ports)) {
        if (!portIsFree(port)) {
          problems.push(
            `Port ${port} (${plan.name} ${role}) is already in use by another process.`,
          );
        }
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `${
          problems.join("\n")
        }\nNothing was started. Free the port, or choose others with --base-port or AGORA_PORT_<SERVICE>_<ROLE>.`,
      );
    }
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}

/** A pid record for a service's process found without its pid file. */
function _adoptedRecord(
  plan: ServicePlan,
  process: ProcessIdentity,
): PidRecord {
  const startedMs = new Date(process.started).getTime();
  return {
    name: plan.name,
    pid: process.pid,
    started: process.started,
    entry: plan.entry,
    argv: plan.argv,
    startedAt: new Date(Number.isNaN(startedMs) ? Date.now() : startedMs)
      .toISOString(),
    endpoints: plan.endpoints,
    outFile: plan.outFile,
  };
}

async function _runningNames(
  paths: RunPaths,
  specs: readonly ServiceSpec[],
): Promise<string[]> {
  const states = await Promise.all(
    specs.map((s) => readPidState(paths.pidFile(s.name))),
  );
  return specs.filter((_, i) => states[i].state === "running").map((s) =>
    s.name
  );
}

function _pick(ports: PortMap, specs: readonly ServiceSpec[]): PortMap {
  return Object.fromEntries(specs.map((s) => [s.name, ports[s.name]]));
}

function _inOrder(results: UpResult[], order: readonly string[]): UpResult[] {
  return results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

function _absolute(path: string): string {
  const joined = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** How long `up` waits for a started server to register (best effort). */
const REGISTRATION_WAIT_MS = 3000;

/**
 * Starts a wave: servers one after another in the wave's order (so their
 * ranks follow their names), everything else at once.
 */
async function _settleInRankOrder<T>(
  wave: readonly ServicePlan[],
  start: (plan: ServicePlan, index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const settle = (plan: ServicePlan, i: number) =>
    start(plan, i).then(
      (value): PromiseSettledResult<T> => ({ status: "fulfilled", value }),
      (reason): PromiseSettledResult<T> => ({ status: "rejected", reason }),
    );
  const others = wave.map((plan, i) =>
    plan.folder === "server" ? undefined : settle(plan, i)
  );
  const results: PromiseSettledResult<T>[] = [];
  for (const [i, plan] of wave.entries()) {
    if (plan.folder === "server") results[i] = await settle(plan, i);
  }
  for (const [i, pending] of others.entries()) {
    if (pending !== undefined) results[i] = await pending;
  }
  return results;
}
