/**
 * An in-memory agora cluster implementing {@linkcode Cluster}, for the UI's
 * tests and dev server.
 *
 * It keeps the protocol's rules (names, unknown users and channels, order by
 * Lamport clock, private messages delivered only on the recipient's topic)
 * and simulates a few servers: ranks, a coordinator (lowest live rank),
 * drifting physical clocks corrected by Berkeley rounds, per-origin
 * replication vectors, and catch-up after a restart. Time and randomness are
 * injected; nothing happens unless a method is called.
 *
 * @module
 */

import type {
  ChannelMessage,
  ChatSession,
  Cluster,
  ClusterEvent,
  ClusterStatus,
  HistoryPage,
  PrivateMessage,
  ServerCounts,
  Subscription,
  TestResult,
  TestSummary,
} from "./cluster.ts";
import { ClusterError } from "./cluster_error.ts";
import { FakeChatSession } from "./fake_chat_session.ts";
import {
  type AcceptanceTest,
  FAKE_ACCEPTANCE_TESTS,
} from "./fake_acceptance.ts";
import { replicationLag } from "./replication_lag.ts";
import { checkMessage, checkName } from "./validation.ts";
import { mulberry32 } from "@agora/shared/testing/prng";

/** How a {@linkcode FakeCluster} starts. */
export interface FakeClusterOptions {
  /** Server names; ranks follow this order from 1 (default three servers). */
  servers?: string[];
  /** Current time, milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Seed of the drift randomness (default 1). */
  seed?: number;
  /** Largest clock drift per {@linkcode FakeCluster.tick}, ms (default 4). */
  driftMsMax?: number;
  /** The acceptance suite `runTests` runs (default the fake's own). */
  tests?: AcceptanceTest[];
  /** Pause between acceptance tests, so a browser sees them stream (0). */
  testPauseMs?: number;
}

/** Messages kept per channel and private messages kept in all. */
export const FAKE_MESSAGES_KEPT = 10_000;

interface FakeServer {
  name: string;
  rank: number;
  address: string;
  alive: boolean;
  /** Error of its raw physical clock against true time, ms. */
  skewMs: number;
  /** Correction applied by Berkeley rounds, ms. */
  correctionMs: number;
  lamport: number;
  /** Its own record counter (as an origin). */
  seq: number;
  vector: Record<string, number>;
  counts: ServerCounts;
}

interface Stored<T> {
  value: T;
  order: [number, string, number];
}

type CountKey = keyof ServerCounts;

function compareOrder(
  a: [number, string, number],
  b: [number, string, number],
): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] - b[2];
}

function pageOf<T>(
  items: Stored<T>[],
  page: HistoryPage | undefined,
  idOf: (value: T) => string,
): T[] {
  const limit = page?.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ClusterError("rejected", "Limit must be between 1 and 1000");
  }
  let end = items.length;
  if (page?.before !== undefined) {
    end = items.findIndex((item) => idOf(item.value) === page.before);
    if (end < 0) {
      throw new ClusterError(
        "rejected",
        `Unknown message id "${page.before}"`,
      );
    }
  }
  return items.slice(Math.max(0, end - limit), end).map((item) => item.value);
}

function insertOrdered<T>(items: Stored<T>[], item: Stored<T>): void {
  let index = items.length;
  while (index > 0 && compareOrder(items[index - 1].order, item.order) > 0) {
    index -= 1;
  }
  items.splice(index, 0, item);
  if (items.length > FAKE_MESSAGES_KEPT) items.shift();
}

/** See the module doc. */
export class FakeCluster implements Cluster {
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #driftMsMax: number;
  readonly #tests: AcceptanceTest[];
  readonly #testPauseMs: number;
  readonly #servers: FakeServer[];
  #coordinator: string | null;
  #clock = 0;
  #nextOrigin = 0;
  #runs = 0;
  readonly #users = new Set<string>();
  readonly #logins: { user: string; timestamp: number }[] = [];
  readonly #channels = new Map<string, Stored<ChannelMessage>[]>();
  readonly #follows = new Set<string>();
  readonly #private: Stored<PrivateMessage>[] = [];
  readonly #topicListeners = new Map<
    string,
    Set<(payload: ChannelMessage | PrivateMessage) => void>
  >();
  readonly #eventListeners = new Set<(event: ClusterEvent) => void>();

  /** Creates a cluster with every server up and the first one coordinating. */
  constructor(options: FakeClusterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = mulberry32(options.seed ?? 1);
    this.#driftMsMax = options.driftMsMax ?? 4;
    this.#tests = options.tests ?? FAKE_ACCEPTANCE_TESTS;
    this.#testPauseMs = options.testPauseMs ?? 0;
    const names = options.servers ?? ["server_1", "server_2", "server_3"];
    this.#servers = names.map((name, index) => ({
      name,
      rank: index + 1,
      address: `tcp://127.0.0.1:${5555 + 10 * index}`,
      alive: true,
      skewMs: 0,
      correctionMs: 0,
      lamport: 0,
      seq: 0,
      vector: {},
      counts: { users: 0, channels: 0, messages: 0, privateMessages: 0 },
    }));
    this.#coordinator = this.#servers[0]?.name ?? null;
  }

  // ---- Cluster ----------------------------------------------------------

  /** Logs `user` in, creating it on first login. */
  login(user: string): Promise<ChatSession> {
    return this.#attempt(() => {
      const name = this.#name(user, "User name");
      if (this.#channels.has(name)) {
        throw new ClusterError(
          "rejected",
          `Name "${name}" is taken by a channel`,
        );
      }
      if (!this.#users.has(name)) {
        this.#users.add(name);
        this.#write("users");
      }
      this.#logins.push({ user: name, timestamp: this.#seconds() });
      this.#write(null);
      return new FakeChatSession(this, name);
    });
  }

  /** A snapshot of every simulated server. */
  status(): Promise<ClusterStatus> {
    const live = this.#servers.filter((server) => server.alive);
    const lag = replicationLag(
      Object.fromEntries(live.map((server) => [server.name, server.vector])),
    );
    return Promise.resolve({
      timestamp: this.#seconds(),
      referenceAlive: true,
      reference: live.map((server) => ({
        name: server.name,
        rank: server.rank,
        address: server.address,
      })),
      coordinator: this.#coordinator,
      servers: this.#servers.map((server) => ({
        name: server.name,
        rank: server.rank,
        address: server.address,
        alive: server.alive,
        listed: server.alive,
        coordinator: server.name === this.#coordinator,
        clockOffsetMs: server.alive
          ? Math.round((server.skewMs + server.correctionMs) * 10) / 10
          : null,
        lamportClock: server.alive ? server.lamport : null,
        counts: server.alive ? { ...server.counts } : null,
        replication: server.alive
          ? { vector: { ...server.vector }, lagRecords: lag[server.name] ?? 0 }
          : null,
      })),
    });
  }

  /** Delivers simulated cluster events until closed. */
  events(onEvent: (event: ClusterEvent) => void): Subscription {
    const listener = (event: ClusterEvent) => onEvent(event);
    this.#eventListeners.add(listener);
    return { close: () => this.#eventListeners.delete(listener) };
  }

  /** Runs the fake acceptance suite against this cluster. */
  async runTests(
    onResult: (result: TestResult) => void,
    signal?: AbortSignal,
  ): Promise<TestSummary> {
    this.#runs += 1;
    const run = this.#runs;
    const startedMs = this.#now();
    const summary: TestSummary = {
      passed: 0,
      total: 0,
      duration: 0,
      tests: {},
    };
    for (const test of this.#tests) {
      signal?.throwIfAborted();
      if (this.#testPauseMs > 0 && summary.total > 0) {
        await pause(this.#testPauseMs, signal);
      }
      const testStartedMs = this.#now();
      let passed = true;
      let message = "";
      try {
        await test.run(this, `t${run}`);
      } catch (error) {
        passed = false;
        message = error instanceof Error ? error.message : String(error);
      }
      const result: TestResult = {
        name: test.name,
        passed,
        message,
        duration: this.#now() - testStartedMs,
      };
      summary.total += 1;
      if (passed) summary.passed += 1;
      summary.tests[test.name] = {
        passed,
        message,
        duration: result.duration,
      };
      onResult(result);
    }
    summary.duration = this.#now() - startedMs;
    return summary;
  }

  // ---- simulation controls ---------------------------------------------

  /** Names of the simulated servers, by rank. */
  get serverNames(): string[] {
    return this.#servers.map((server) => server.name);
  }

  /** The current coordinator (lowest live rank), `null` when all are down. */
  get coordinator(): string | null {
    return this.#coordinator;
  }

  /**
   * Stops a server: it leaves the reference list, misses writes from now
   * on, and if it coordinated, the lowest live rank is elected.
   */
  stopServer(name: string): void {
    const server = this.#server(name);
    if (!server.alive) return;
    server.alive = false;
    this.#emit({
      type: "server_down",
      server: name,
      timestamp: this.#seconds(),
    });
    if (this.#coordinator === name) this.#elect();
  }

  /**
   * Restarts a server: it catches up on what it missed from a live peer,
   * reappears in the list, and takes over if its rank beats the
   * coordinator's (bully).
   */
  startServer(name: string): void {
    const server = this.#server(name);
    if (server.alive) return;
    server.alive = true;
    this.#emit({ type: "server_up", server: name, timestamp: this.#seconds() });
    const peer = this.#servers.find((s) => s.alive && s !== server);
    if (peer !== undefined) {
      const lag = replicationLag({
        [server.name]: server.vector,
        [peer.name]: peer.vector,
      })[server.name] ?? 0;
      server.vector = { ...peer.vector };
      server.counts = { ...peer.counts };
      server.lamport = Math.max(server.lamport, peer.lamport) + 1;
      if (lag > 0) {
        this.#emit({
          type: "catch_up",
          server: name,
          from: peer.name,
          records: lag,
          timestamp: this.#seconds(),
        });
      }
    }
    const current = this.#servers.find((s) => s.name === this.#coordinator);
    if (current === undefined || !current.alive || server.rank < current.rank) {
      this.#elect();
    }
  }

  /** Sets a server's raw clock error (before Berkeley corrections), ms. */
  setClockSkew(name: string, skewMs: number): void {
    this.#server(name).skewMs = skewMs;
  }

  /**
   * Runs one Berkeley round: the coordinator averages the live servers'
   * clocks and tells each the adjustment that brings it to the average.
   * Does nothing without a coordinator.
   */
  berkeleySync(): void {
    const live = this.#servers.filter((server) => server.alive);
    if (this.#coordinator === null || live.length === 0) return;
    const offsets = live.map((s) => s.skewMs + s.correctionMs);
    const averageMs = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    const adjustmentsMs: Record<string, number> = {};
    live.forEach((server, index) => {
      const adjustMs = averageMs - offsets[index];
      server.correctionMs += adjustMs;
      adjustmentsMs[server.name] = Math.round(adjustMs * 10) / 10;
    });
    this.#emit({
      type: "berkeley",
      coordinator: this.#coordinator,
      adjustmentsMs,
      timestamp: this.#seconds(),
    });
  }

  /** Lets time pass: every live server's raw clock drifts a little. */
  tick(): void {
    for (const server of this.#servers) {
      if (!server.alive) continue;
      // Each server drifts its own way (rank-dependent bias) plus noise.
      const biasMs = (server.rank - (this.#servers.length + 1) / 2) * 0.6;
      const noiseMs = (this.#random() * 2 - 1) * this.#driftMsMax;
      server.skewMs += biasMs + noiseMs;
    }
  }

  // ---- used by FakeChatSession -------------------------------------------

  /** @internal Every known user. */
  _users(): Promise<string[]> {
    return this.#attempt(() => [...this.#users].sort());
  }

  /** @internal Every known channel. */
  _channels(): Promise<string[]> {
    return this.#attempt(() => [...this.#channels.keys()].sort());
  }

  /** @internal Creates a channel. */
  _createChannel(_user: string, channel: string): Promise<void> {
    return this.#attempt(() => {
      const name = this.#name(channel, "Channel name");
      if (this.#channels.has(name)) {
        throw new ClusterError(
          "rejected",
          `Channel "${name}" already exists`,
        );
      }
      if (this.#users.has(name)) {
        throw new ClusterError("rejected", `Name "${name}" is taken by a user`);
      }
      this.#channels.set(name, []);
      this.#write("channels");
    });
  }

  /** @internal Follows a channel and listens to its topic. */
  _subscribe(
    user: string,
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Promise<Subscription> {
    return this.#attempt(() => {
      if (!this.#channels.has(channel)) {
        throw new ClusterError("rejected", `Unknown channel "${channel}"`);
      }
      const key = JSON.stringify([user, channel]);
      if (!this.#follows.has(key)) {
        this.#follows.add(key);
        this.#write(null);
      }
      return this.#listen(
        channel,
        (payload) => onMessage(payload as ChannelMessage),
      );
    });
  }

  /** @internal Listens to a user's private topic. */
  _subscribePrivate(
    user: string,
    onMessage: (message: PrivateMessage) => void,
  ): Subscription {
    return this.#listen(
      user,
      (payload) => onMessage(payload as PrivateMessage),
    );
  }

  /** @internal Publishes in a channel. */
  _publish(user: string, channel: string, text: string): Promise<void> {
    return this.#attempt(() => {
      const messages = this.#channels.get(channel);
      if (messages === undefined) {
        throw new ClusterError("rejected", `Unknown channel "${channel}"`);
      }
      this.#knownUser(user);
      const body = this.#text(text);
      const origin = this.#write("messages");
      const message: ChannelMessage = {
        id: `${origin.name}:${origin.seq}`,
        user,
        channel,
        message: body,
        timestamp: this.#seconds(),
        clock: origin.lamport,
        server: origin.name,
      };
      insertOrdered(messages, {
        value: message,
        order: [message.clock, origin.name, origin.seq],
      });
      this.#publishTopic(channel, message);
    });
  }

  /** @internal Sends a private message. */
  _sendPrivate(
    src: string,
    dst: string,
    text: string,
  ): Promise<PrivateMessage> {
    return this.#attempt(() => {
      this.#knownUser(src);
      this.#knownUser(dst);
      const body = this.#text(text);
      const origin = this.#write("privateMessages");
      const message: PrivateMessage = {
        id: `${origin.name}:${origin.seq}`,
        src,
        dst,
        user: src,
        message: body,
        timestamp: this.#seconds(),
        clock: origin.lamport,
        server: origin.name,
      };
      insertOrdered(this.#private, {
        value: message,
        order: [message.clock, origin.name, origin.seq],
      });
      this.#publishTopic(dst, message);
      return { ...message };
    });
  }

  /** @internal A page of a channel's history. */
  _history(channel: string, page?: HistoryPage): Promise<ChannelMessage[]> {
    return this.#attempt(() => {
      const messages = this.#channels.get(channel);
      if (messages === undefined) {
        throw new ClusterError("rejected", `Unknown channel "${channel}"`);
      }
      return pageOf(messages, page, (m) => m.id).map((m) => ({ ...m }));
    });
  }

  /** @internal A page of a private conversation. */
  _privateHistory(
    a: string,
    b: string,
    page?: HistoryPage,
  ): Promise<PrivateMessage[]> {
    return this.#attempt(() => {
      this.#knownUser(b);
      const between = this.#private.filter(({ value: m }) =>
        (m.src === a && m.dst === b) || (m.src === b && m.dst === a)
      );
      return pageOf(between, page, (m) => m.id).map((m) => ({ ...m }));
    });
  }

  // ---- internals -------------------------------------------------------

  #attempt<T>(action: () => T): Promise<T> {
    if (this.#coordinator === null) {
      return Promise.reject(
        new ClusterError("unavailable", "No server answered"),
      );
    }
    try {
      return Promise.resolve(action());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #name(value: string, what: string): string {
    const checked = checkName(value, what);
    if (!checked.ok) throw new ClusterError("rejected", checked.error);
    return checked.value;
  }

  #text(value: string): string {
    const checked = checkMessage(value);
    if (!checked.ok) throw new ClusterError("rejected", checked.error);
    return checked.value;
  }

  #knownUser(user: string): void {
    if (!this.#users.has(user)) {
      throw new ClusterError("rejected", `Unknown user "${user}"`);
    }
  }

  #server(name: string): FakeServer {
    const server = this.#servers.find((s) => s.name === name);
    if (server === undefined) throw new Error(`Unknown server "${name}"`);
    return server;
  }

  /**
   * Records one state change: it originates on the next live server (the
   * client library spreads requests), is stamped with a Lamport clock, and
   * reaches every live server; stopped ones miss it until they restart.
   */
  #write(count: CountKey | null): FakeServer {
    const live = this.#servers.filter((server) => server.alive);
    const origin = live[this.#nextOrigin % live.length];
    this.#nextOrigin += 1;
    this.#clock = Math.max(this.#clock, origin.lamport) + 1;
    origin.lamport = this.#clock;
    origin.seq += 1;
    for (const server of live) {
      server.vector[origin.name] = origin.seq;
      if (count !== null) server.counts[count] += 1;
      if (server !== origin) {
        server.lamport = Math.max(server.lamport, origin.lamport) + 1;
      }
    }
    return origin;
  }

  #elect(): void {
    const winner = this.#servers.filter((server) => server.alive)
      .sort((a, b) => a.rank - b.rank)[0];
    this.#coordinator = winner?.name ?? null;
    if (winner === undefined) return;
    winner.lamport += 1;
    this.#emit({
      type: "election",
      coordinator: winner.name,
      timestamp: this.#seconds(),
      clock: winner.lamport,
    });
  }

  #listen(
    topic: string,
    listener: (payload: ChannelMessage | PrivateMessage) => void,
  ): Subscription {
    let listeners = this.#topicListeners.get(topic);
    if (listeners === undefined) {
      listeners = new Set();
      this.#topicListeners.set(topic, listeners);
    }
    const own = (payload: ChannelMessage | PrivateMessage) =>
      listener({ ...payload });
    listeners.add(own);
    return {
      close: () => {
        listeners.delete(own);
        if (listeners.size === 0) this.#topicListeners.delete(topic);
      },
    };
  }

  #publishTopic(topic: string, payload: ChannelMessage | PrivateMessage): void {
    for (const listener of [...this.#topicListeners.get(topic) ?? []]) {
      listener(payload);
    }
  }

  #emit(event: ClusterEvent): void {
    for (const listener of [...this.#eventListeners]) listener(event);
  }

  #seconds(): number {
    return this.#now() / 1000;
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
