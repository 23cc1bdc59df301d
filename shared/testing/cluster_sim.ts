/**
 * A seeded simulation of an agora cluster: N servers (election + Berkeley +
 * replication, see `cluster_sim_node.ts`) on a {@link SimNetwork}, with a
 * simulated reference (heartbeats, 3 s timeout), simulated time and
 * drifting simulated clocks, and random client writes. Everything random
 * comes from one seed; the same seed replays the same run.
 *
 * Invariants are checked after every step; a violation throws
 * {@link InvariantError}, whose message starts with the seed:
 * - storage holds every origin's records contiguously, and a record id
 *   always carries the same record on every server;
 * - among servers that can reach each other, at most one believes it is the
 *   coordinator, except for at most `dualCoordinatorMsMax` (one election
 *   round) at a time; the clock restarts when a partition starts or heals;
 * - the servers that applied the same Berkeley round agree within
 *   `clockSpreadMsMax` when each of them applies it.
 * Scenario checks (agreement within 3 s, convergence after healing) use
 * {@link ClusterSim.runUntil} and the accessors.
 *
 * @example
 * ```ts
 * import { ClusterSim } from "@agora/shared/testing/cluster_sim";
 * const sim = new ClusterSim({ seed: 1, servers: 3 });
 * sim.runFor(5_000);
 * sim.kill(sim.agreedCoordinator()!);
 * const tookMs = sim.runUntil(() => sim.agreedCoordinator() !== null, 3_000);
 * ```
 *
 * @module
 */

import type { Peer } from "../election.ts";
import { PhysicalClock, simulatedDrift } from "../physical_clock.ts";
import type { ChatRecord } from "../record.ts";
import { recordId } from "../record.ts";
import { materialize } from "../replication_merge.ts";
import {
  type SimHost,
  type SimMessage,
  SimNode,
  type SimNodeConfig,
  SimStorage,
} from "./cluster_sim_node.ts";
import { Prng } from "./prng.ts";
import { SimNetwork, type SimNetworkOptions } from "./sim_network.ts";

/** Settings of a {@link ClusterSim}; times in ms unless named. */
export interface ClusterSimOptions {
  /** The seed of every random choice. */
  seed: number;
  /** Servers at the start, named `server_1`… with ranks 1… (default 3). */
  servers?: number;
  /** Network faults and delays (default: 0.2–2 ms, no faults). */
  network?: Partial<SimNetworkOptions>;
  /** Client writes per second over the whole cluster (default 20). */
  writesPerSecond?: number;
  /** Servers' timer period (default 10). */
  tickMs?: number;
  /** The reference drops a server after this long without a heartbeat. */
  referenceTimeoutMs?: number;
  /** Initial clock offsets are within ± this, seconds (default 1). */
  offsetSecondsMax?: number;
  /** Clock drift rates are within ± this, ppm (default 100). */
  driftPpmMax?: number;
  /** Berkeley agreement bound checked after each adjustment (default 5). */
  clockSpreadMsMax?: number;
  /** Longest time two coordinators may coexist (default 1 500). */
  dualCoordinatorMsMax?: number;
  /** Per-server tuning. */
  node?: Partial<SimNodeConfig>;
}

/** An invariant failed; the message names the seed and the time. */
export class InvariantError extends Error {
  /** The seed that reproduces the failure. */
  readonly seed: number;

  /** Creates the error. */
  constructor(seed: number, nowMs: number, message: string) {
    super(`seed=${seed} t=${nowMs.toFixed(1)}ms: ${message}`);
    this.name = "InvariantError";
    this.seed = seed;
  }
}

const EPOCH_SECONDS = 1_764_190_000;
const USERS = ["ana", "bia", "caio", "davi", "eva", "fabio"];
const CHANNELS = ["geral", "dev", "random"];

const NODE_DEFAULTS: SimNodeConfig = {
  heartbeatIntervalMs: 1_000,
  requestTimeoutMs: 500,
  // One machine: a trip is well under a few ms, so a slower one (a
  // reordered message) is refused rather than allowed to skew the clocks.
  rttSecondsMax: 0.005,
  roundIntervalMs: 5_000,
  vectorPollIntervalMs: 5_000,
  pageLimit: 50,
  // Trips take milliseconds here; a lost page should not cost seconds.
  fetchTimeoutMs: 300,
};

/** The simulated cluster (see the module documentation). */
export class ClusterSim {
  /** The seed of this run. */
  readonly seed: number;
  /** The simulated network (change its options to vary conditions). */
  readonly network: SimNetwork<SimMessage>;
  readonly #prng: Prng;
  readonly #options: Required<Omit<ClusterSimOptions, "network" | "node">>;
  readonly #nodeConfig: SimNodeConfig;
  readonly #host: SimHost;
  readonly #nodes = new Map<string, SimNode>();
  readonly #storages = new Map<string, SimStorage>();
  readonly #ranks = new Map<string, number>();
  readonly #heartbeats = new Map<string, number>();
  readonly #truth = new Map<string, string>();
  readonly #lastAdjust = new Map<string, string>();
  #nowMs = 0;
  #nextTickMs = 0;
  #nextWriteMs = Infinity;
  #dualSinceMs: number | null = null;
  #writes = 0;

  /** Creates and starts the cluster at time 0. */
  constructor(options: ClusterSimOptions) {
    this.seed = options.seed;
    this.#prng = new Prng(options.seed);
    this.#options = {
      seed: options.seed,
      servers: options.servers ?? 3,
      writesPerSecond: options.writesPerSecond ?? 20,
      tickMs: options.tickMs ?? 10,
      referenceTimeoutMs: options.referenceTimeoutMs ?? 3_000,
      offsetSecondsMax: options.offsetSecondsMax ?? 1,
      driftPpmMax: options.driftPpmMax ?? 100,
      clockSpreadMsMax: options.clockSpreadMsMax ?? 5,
      dualCoordinatorMsMax: options.dualCoordinatorMsMax ?? 1_500,
    };
    this.#nodeConfig = { ...NODE_DEFAULTS, ...options.node };
    this.network = new SimNetwork(this.#prng.fork(), {
      delayMsMin: 0.2,
      delayMsMax: 2,
      ...options.network,
    });
    this.#host = this.#makeHost();
    for (let i = 1; i <= this.#options.servers; i++) this.addServer();
    this.setWritesPerSecond(this.#options.writesPerSecond);
  }

  /** Simulated time, ms since the start. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Client writes made so far. */
  get writes(): number {
    return this.#writes;
  }

  /** Every server name ever started. */
  get names(): string[] {
    return [...this.#ranks.keys()];
  }

  /** The running servers. */
  alive(): SimNode[] {
    return [...this.#nodes.values()];
  }

  /** A running server by name. */
  node(name: string): SimNode | undefined {
    return this.#nodes.get(name);
  }

  /** Starts a brand-new server (empty storage); returns its name. */
  addServer(): string {
    const rank = this.#ranks.size + 1;
    const name = `server_${rank}`;
    this.#ranks.set(name, rank);
    this.#storages.set(name, new SimStorage());
    this.#startNode(name);
    return name;
  }

  /** Kills a server: its process state is lost, its storage kept. */
  kill(name: string): void {
    if (!this.#nodes.delete(name)) return;
    this.network.setDown(name);
    this.#lastAdjust.delete(name);
  }

  /** Restarts a killed server over its storage (or an empty one). */
  restart(name: string, options: { wipe?: boolean } = {}): void {
    if (this.#nodes.has(name) || !this.#ranks.has(name)) return;
    if (options.wipe) this.#storages.set(name, new SimStorage());
    this.network.setUp(name);
    this.#startNode(name);
  }

  /** Cuts the network into groups (see `SimNetwork.partition`). */
  partition(groups: readonly (readonly string[])[]): void {
    this.network.partition(groups);
    this.#dualSinceMs = null;
  }

  /** Heals the partition. */
  heal(): void {
    this.network.heal();
    this.#dualSinceMs = null;
  }

  /** Restarts the reference: it forgets every server until its heartbeat. */
  restartReference(): void {
    this.#heartbeats.clear();
  }

  /** Changes the client write rate (0 stops writes). */
  setWritesPerSecond(writesPerSecond: number): void {
    this.#options.writesPerSecond = writesPerSecond;
    this.#nextWriteMs = writesPerSecond > 0
      ? this.#nowMs + this.#writeGapMs()
      : Infinity;
  }

  /** Servers that believe they are the coordinator. */
  coordinators(): string[] {
    return this.alive().filter((n) => n.election.isCoordinator).map((n) =>
      n.name
    );
  }

  /**
   * The coordinator every running server agrees on (and which itself
   * agrees), or null.
   */
  agreedCoordinator(): string | null {
    const nodes = this.alive();
    const first = nodes[0]?.election.coordinator ?? null;
    if (first === null || !this.#nodes.get(first)?.election.isCoordinator) {
      return null;
    }
    return nodes.every((n) => n.election.coordinator === first) ? first : null;
  }

  /** Spread of the running servers' clock readings, ms. */
  clockSpreadMs(names: readonly string[] = [...this.#nodes.keys()]): number {
    const readings = names.map((name) => this.#nodes.get(name)?.clock.now())
      .filter((r): r is number => r !== undefined);
    if (readings.length === 0) return 0;
    return (Math.max(...readings) - Math.min(...readings)) * 1000;
  }

  /** True when every running server holds the same records. */
  converged(): boolean {
    const vectors = this.alive().map((n) =>
      JSON.stringify(Object.entries(n.storage.vector()).sort())
    );
    return vectors.every((v) => v === vectors[0]);
  }

  /** Each running server's materialised view, as JSON (for equality). */
  viewsJson(): Map<string, string> {
    return new Map(
      this.alive().map((
        n,
      ) => [n.name, JSON.stringify(materialize(n.storage.all()))]),
    );
  }

  /** Runs for `durationMs` of simulated time, checking invariants. */
  runFor(durationMs: number): void {
    const endMs = this.#nowMs + durationMs;
    while (this.#step(endMs));
    this.#nowMs = endMs;
  }

  /**
   * Runs until `done()` holds (checked after every step) or `timeoutMs`
   * passes; returns the time it took, or undefined on timeout.
   */
  runUntil(done: () => boolean, timeoutMs: number): number | undefined {
    const startMs = this.#nowMs;
    const endMs = startMs + timeoutMs;
    if (done()) return 0;
    while (this.#step(endMs)) {
      if (done()) return this.#nowMs - startMs;
    }
    this.#nowMs = endMs;
    return undefined;
  }

  /** Throws an {@link InvariantError} for this run. */
  fail(message: string): never {
    throw new InvariantError(this.seed, this.#nowMs, message);
  }

  /** Advances to the next event before `endMs`; false when there is none. */
  #step(endMs: number): boolean {
    const dueMs = this.network.nextDueMs() ?? Infinity;
    const atMs = Math.min(dueMs, this.#nextTickMs, this.#nextWriteMs);
    if (atMs > endMs) return false;
    this.#nowMs = atMs;
    if (atMs === dueMs) {
      for (const delivery of this.network.deliverDue(atMs)) {
        this.#nodes.get(delivery.to)?.receive(delivery.from, delivery.message);
      }
    }
    if (atMs === this.#nextTickMs) {
      this.#nextTickMs += this.#options.tickMs;
      for (const node of this.alive()) node.tick();
    }
    if (atMs === this.#nextWriteMs) {
      this.#nextWriteMs = atMs + this.#writeGapMs();
      this.#write();
    }
    this.#checkCoordinators();
    return true;
  }

  #startNode(name: string): void {
    const storage = this.#storages.get(name) as SimStorage;
    const clock = new PhysicalClock({
      systemSeconds: () => this.#host.systemSeconds(),
      ...simulatedDrift(() => this.#prng.next(), {
        offsetSecondsMax: this.#options.offsetSecondsMax,
        driftPpmMax: this.#options.driftPpmMax,
      }),
    });
    const node = new SimNode(this.#host, {
      name,
      rank: this.#ranks.get(name) as number,
      storage,
      clock,
      config: this.#nodeConfig,
      // Like a real server passing its start time: unique across restarts.
      firstRound: Math.floor(this.#nowMs) + 1,
      heartbeatPhaseMs: this.#prng.float(
        0,
        this.#nodeConfig.heartbeatIntervalMs,
      ),
    });
    this.#nodes.set(name, node);
    node.start();
  }

  #write(): void {
    const nodes = this.alive();
    if (nodes.length === 0) return;
    const node = this.#prng.pick(nodes);
    const user = this.#prng.pick(USERS);
    const channel = this.#prng.pick(CHANNELS);
    const message = `m${this.#writes}`;
    this.#writes += 1;
    switch (this.#prng.int(0, 5)) {
      case 0:
        node.write("user", { user });
        break;
      case 1:
        node.write("login", { user });
        break;
      case 2:
        node.write("channel", { channel, user });
        break;
      case 3:
        node.write("subscribe", { user, channel });
        break;
      case 4:
        node.write("publish", { user, channel, message });
        break;
      default:
        node.write("message", {
          src: user,
          dst: this.#prng.pick(USERS),
          message,
        });
    }
  }

  #writeGapMs(): number {
    // Exponential gaps: a Poisson stream of client requests.
    const rate = this.#options.writesPerSecond / 1000;
    return -Math.log(1 - this.#prng.next()) / rate;
  }

  /** Groups of running servers that can reach each other. */
  components(): string[][] {
    const components: string[][] = [];
    for (const name of this.#nodes.keys()) {
      const home = components.find((c) => this.network.linked(c[0], name));
      if (home) home.push(name);
      else components.push([name]);
    }
    return components;
  }

  #checkCoordinators(): void {
    const coordinators = new Set(this.coordinators());
    const dual = this.components().find((component) =>
      component.filter((name) => coordinators.has(name)).length > 1
    );
    if (!dual) {
      this.#dualSinceMs = null;
      return;
    }
    this.#dualSinceMs ??= this.#nowMs;
    const dualMs = this.#nowMs - this.#dualSinceMs;
    if (dualMs > this.#options.dualCoordinatorMsMax) {
      this.fail(
        `servers ${dual.filter((n) => coordinators.has(n)).join(", ")} ` +
          `all believed they were coordinator for ${dualMs.toFixed(0)} ms`,
      );
    }
  }

  #checkPersisted(node: SimNode, record: ChatRecord): void {
    const id = recordId(record);
    const json = JSON.stringify(record);
    const known = this.#truth.get(id);
    if (known === undefined) this.#truth.set(id, json);
    else if (known !== json) this.fail(`${node.name} holds a different ${id}`);
    if (node.storage.byOrigin.get(record.origin)?.length !== record.seq) {
      this.fail(`${node.name} persisted ${id} out of sequence`);
    }
    if (node.replica.held(record.origin) < record.seq) {
      this.fail(`${node.name} persisted ${id} beyond its vector`);
    }
  }

  #checkAdjusted(node: SimNode, roundKey: string): void {
    this.#lastAdjust.set(node.name, roundKey);
    const same = [...this.#lastAdjust].filter(([, key]) => key === roundKey)
      .map(([name]) => name);
    const spreadMs = this.clockSpreadMs(same);
    if (spreadMs > this.#options.clockSpreadMsMax) {
      this.fail(
        `after Berkeley round ${roundKey} clocks of ${same.join(", ")} ` +
          `differ by ${spreadMs.toFixed(3)} ms`,
      );
    }
  }

  #makeHost(): SimHost {
    return {
      nowMs: () => this.#nowMs,
      systemSeconds: () => EPOCH_SECONDS + this.#nowMs / 1000,
      send: (from, to, message) =>
        this.network.send(this.#nowMs, from, to, message),
      publish: (from, message) => {
        for (const to of this.#ranks.keys()) {
          this.network.send(this.#nowMs, from, to, message);
        }
      },
      heartbeat: (name) => this.#heartbeat(name),
      persisted: (node, record) => this.#checkPersisted(node, record),
      adjusted: (node, roundKey) => this.#checkAdjusted(node, roundKey),
    };
  }

  #heartbeat(name: string): Peer[] {
    this.#heartbeats.set(name, this.#nowMs);
    const live: Peer[] = [];
    for (const [peer, atMs] of this.#heartbeats) {
      if (this.#nowMs - atMs <= this.#options.referenceTimeoutMs) {
        live.push({ name: peer, rank: this.#ranks.get(peer) as number });
      }
    }
    return live;
  }
}
