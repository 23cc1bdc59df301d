/**
 * The web app's {@linkcode Cluster} over a real agora cluster, through the
 * client library: one `AgoraClient` for the whole UI process (its failover,
 * its Lamport clock, its one SUB socket with exact topics), shared by every
 * browser session.
 *
 * - Chat: each login gets a {@linkcode RealChatSession} acting as that user;
 *   its private feed listens on exactly the user's own topic.
 * - Dashboard: `status()` asks the reference for its `list` and every known
 *   server for its `status`, all in parallel with a short timeout, so a dead
 *   server costs one timeout, not a stall; concurrent callers share one
 *   poll. A server's clock offset is its `status` reply's `time` minus the
 *   local time at the middle of the round trip. (The `clock` service would
 *   give the same reading, but asking the coordinator for it starts a
 *   Berkeley round — a dashboard polling it would change what it shows.)
 * - Events: elections from the announcements on topic `servers` and from
 *   the new coordinator's own event ring; Berkeley rounds and catch-ups
 *   from the servers' event rings; servers up and down from the polls (see
 *   `real_event_tracker.ts`). While anyone listens, the cluster is polled
 *   at least every `eventPollIntervalMs` (a poll for any caller counts, so
 *   the dashboard's faster polls replace these). Events are delivered to
 *   the listeners present when they are noticed: the web app's dashboard
 *   hub listens all the time, so none is lost while no page is open.
 * - Tests: the acceptance suite runs in-process against the UI's endpoints.
 *
 * @module
 */

import {
  type AgoraClient,
  AgoraError,
  ReferenceClient,
} from "@agora/shared/client";
import type { Logger } from "@agora/shared/log";
import { type ClusterControl, runAcceptance } from "@agora/scripts/acceptance";
import type {
  ChatSession,
  Cluster,
  ClusterEvent,
  ClusterStatus,
  ReferenceEntry,
  Subscription,
  TestResult,
  TestSummary,
} from "./cluster.ts";
import { ClusterError } from "./cluster_error.ts";
import { RealChatSession } from "./real_chat_session.ts";
import { mapClusterErrors } from "./real_errors.ts";
import { ClusterEventTracker } from "./real_event_tracker.ts";
import { ServerBook, type ServerProbe } from "./real_server_book.ts";
import { readServerReport } from "./real_server_report.ts";

/** How the acceptance suite runs from the tests page. */
export interface RealTestsOptions {
  /**
   * Also stop and restart servers (the coordinator, for a re-election; a
   * follower, for catch-up). Needs `control`. Default false: the suite only
   * reads and writes chat data, so anyone with the page can run it.
   */
  disruptive?: boolean;
  /** How to stop and start servers, for a disruptive run. */
  control?: ClusterControl;
  /** The bots' user names, when known (else the suite spots them). */
  bots?: readonly string[];
  /** How many bots must be seen (default: `bots.length`, else 1). */
  botsExpected?: number;
  /** Run only these checks (by id). */
  only?: readonly string[];
  /** Multiplies every check's deadline (default 1). */
  timeScale?: number;
}

/** Options of {@linkcode RealCluster}. */
export interface RealClusterOptions {
  /** The UI's client: requests, Lamport clock, feed. Closed by its owner. */
  client: AgoraClient;
  /** The reference's endpoint (`AGORA_REFERENCE`); empty for none. */
  reference: string;
  /** The proxy's XPUB endpoint (`AGORA_PROXY_SUB`), for the test suite. */
  proxySub: string;
  /** Configured server endpoints (`AGORA_SERVERS`), polled besides the list. */
  servers?: readonly string[];
  /** Deadline of each `status` / `list` request of a poll (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Longest time between polls while someone listens to events (default 5000 ms). */
  eventPollIntervalMs?: number;
  /** Most servers remembered (default 64). */
  serversMax?: number;
  /** Polls in a row without an answer before a server is reported down (default 2). */
  downAfterMisses?: number;
  /** The acceptance suite's settings. */
  tests?: RealTestsOptions;
  /** Wall clock, ms since the epoch (default `Date.now`). */
  nowMs?: () => number;
  /** Where problems are reported (default: nowhere). */
  log?: Logger;
}

interface Listener {
  onEvent: (event: ClusterEvent) => void;
  active: boolean;
}

/**
 * See the module doc.
 *
 * @example
 * ```ts ignore
 * import { AgoraClient } from "@agora/shared/client";
 * import { createApp } from "./app.ts";
 * import { RealCluster } from "./real_cluster.ts";
 * const client = new AgoraClient({
 *   reference: "tcp://127.0.0.1:5559",
 *   proxy: "tcp://127.0.0.1:5558",
 * });
 * const cluster = new RealCluster({
 *   client,
 *   reference: "tcp://127.0.0.1:5559",
 *   proxySub: "tcp://127.0.0.1:5558",
 * });
 * const app = createApp(cluster);
 * // … serve app.fetch; on shutdown:
 * await app.close();
 * await cluster.close();
 * await client.close();
 * ```
 */
export class RealCluster implements Cluster {
  readonly #client: AgoraClient;
  readonly #referenceEndpoint: string;
  readonly #reference: ReferenceClient | undefined;
  readonly #proxySub: string;
  readonly #book: ServerBook;
  readonly #tracker: ClusterEventTracker;
  readonly #statusTimeoutMs: number;
  readonly #eventPollIntervalMs: number;
  readonly #tests: RealTestsOptions;
  readonly #nowMs: () => number;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<Listener>();
  readonly #sessions = new Set<RealChatSession>();
  #announcements: Subscription | undefined;
  #announcementsFailed = false;
  #polling: Promise<ClusterStatus> | undefined;
  #lastPollMs = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ticking: Promise<void> | undefined;
  #soon: Promise<void> | undefined;
  #closed = false;

  /** Creates the cluster view; nothing is asked until it is used. */
  constructor(options: RealClusterOptions) {
    this.#client = options.client;
    this.#referenceEndpoint = options.reference.trim();
    this.#proxySub = options.proxySub;
    this.#statusTimeoutMs = Math.max(1, options.statusTimeoutMs ?? 1000);
    this.#eventPollIntervalMs = Math.max(
      10,
      options.eventPollIntervalMs ?? 5000,
    );
    this.#nowMs = options.nowMs ?? Date.now;
    this.#log = options.log;
    this.#tests = { ...options.tests };
    const serversMax = options.serversMax ?? 64;
    this.#book = new ServerBook(options.servers ?? [], serversMax);
    this.#tracker = new ClusterEventTracker({
      serversMax,
      downAfterMisses: options.downAfterMisses,
    });
    this.#reference = this.#referenceEndpoint
      ? new ReferenceClient({
        endpoint: this.#referenceEndpoint,
        timeoutMs: this.#statusTimeoutMs,
        attempts: 1,
        clock: this.#client.clock,
        nowMs: this.#nowMs,
      })
      : undefined;
  }

  /** Logs `user` in and returns a session acting as that user. */
  async login(user: string): Promise<ChatSession> {
    this.#ensureOpen();
    // Opens the shared SUB socket early, so it is connected to the proxy
    // before the session's first channel subscription.
    this.#watchAnnouncements();
    await mapClusterErrors(() => this.#client.login(user));
    const session = new RealChatSession(
      this.#client,
      user,
      (ended) => this.#sessions.delete(ended),
    );
    this.#sessions.add(session);
    return session;
  }

  /** A fresh snapshot; concurrent callers share one poll. */
  status(): Promise<ClusterStatus> {
    if (this.#closed) {
      return Promise.reject(
        new ClusterError("unavailable", "The UI server is shutting down."),
      );
    }
    if (this.#polling === undefined) {
      const polling = this.#poll().finally(() => {
        if (this.#polling === polling) this.#polling = undefined;
      });
      this.#polling = polling;
    }
    return this.#polling;
  }

  /** Delivers cluster events until the subscription is closed. */
  events(onEvent: (event: ClusterEvent) => void): Subscription {
    if (this.#closed) return { close() {} };
    const listener: Listener = { onEvent, active: true };
    this.#listeners.add(listener);
    this.#watchAnnouncements();
    this.#schedule();
    return {
      close: () => {
        listener.active = false;
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0) {
          clearTimeout(this.#timer);
          this.#timer = undefined;
        }
      },
    };
  }

  /**
   * Runs the acceptance suite against the configured servers
   * (`AGORA_SERVERS`), or else every server known (listed or seen before),
   * so a server that went down fails the run instead of being forgotten.
   */
  async runTests(
    onResult: (result: TestResult) => void,
    signal?: AbortSignal,
  ): Promise<TestSummary> {
    this.#ensureOpen();
    let servers = this.#testServers();
    if (servers === undefined) {
      await this.status().catch(() => undefined);
      servers = this.#testServers();
    }
    if (servers === undefined) {
      throw new ClusterError(
        "unavailable",
        "No chat server is known yet: the reference lists none and AGORA_SERVERS is empty.",
      );
    }
    const tests = this.#tests;
    return await runAcceptance({
      endpoints: {
        reference: this.#referenceEndpoint,
        proxySub: this.#proxySub,
        servers,
      },
      disruptive: tests.disruptive ?? false,
      control: tests.control,
      bots: tests.bots,
      botsExpected: tests.botsExpected,
      only: tests.only,
      timeScale: tests.timeScale,
      onResult,
      signal,
    });
  }

  /**
   * Stops polling and listening, ends every chat session, and closes the
   * reference socket. The shared client stays open (its owner closes it).
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const listener of this.#listeners) listener.active = false;
    this.#listeners.clear();
    this.#announcements?.close();
    this.#announcements = undefined;
    for (const session of [...this.#sessions]) await session.close();
    await this.#ticking;
    await this.#soon;
    await this.#polling?.catch(() => undefined);
    this.#reference?.close();
  }

  async #poll(): Promise<ClusterStatus> {
    const startedSeconds = this.#nowMs() / 1000;
    this.#watchAnnouncements();
    const probes = new Map<string, Promise<ServerProbe>>();
    const probeAll = () => {
      for (const endpoint of this.#book.targets()) {
        if (!probes.has(endpoint)) probes.set(endpoint, this.#probe(endpoint));
      }
    };
    // Known servers are asked while the list is fetched; servers new in the
    // list are asked as soon as it arrives.
    probeAll();
    const reference = await this.#list();
    if (reference !== null) {
      this.#book.learnList(reference);
      probeAll();
    }
    const answers = await Promise.all(probes.values());
    const nowSeconds = this.#nowMs() / 1000;
    const snapshot = this.#book.snapshot({
      timestampSeconds: nowSeconds,
      reference,
      probes: answers,
      announced: this.#tracker.coordinator,
    });
    this.#lastPollMs = this.#nowMs();
    if (!this.#closed) {
      this.#emit(
        this.#tracker.observe(
          nowSeconds,
          snapshot.observations,
          snapshot.agreedCoordinator,
          startedSeconds,
        ),
      );
    }
    if (reference === null && !answers.some((probe) => probe.answered)) {
      throw new ClusterError("unavailable", this.#silence(answers.length));
    }
    return snapshot.status;
  }

  /** Why a poll in which nothing answered got nothing, for a person. */
  #silence(serversAsked: number): string {
    if (this.#reference === undefined) {
      return serversAsked === 0
        ? "No chat server is configured: set AGORA_REFERENCE or AGORA_SERVERS."
        : `No chat server answered within ${this.#statusTimeoutMs} ms.`;
    }
    return `Neither the reference at ${this.#referenceEndpoint} nor any chat server answered within ${this.#statusTimeoutMs} ms.`;
  }

  async #list(): Promise<ReferenceEntry[] | null> {
    if (this.#reference === undefined) return null;
    try {
      const list = await this.#reference.list();
      return list.map((entry) => ({
        name: entry.name,
        rank: entry.rank,
        address: entry.address ?? null,
      }));
    } catch {
      return null;
    }
  }

  async #probe(endpoint: string): Promise<ServerProbe> {
    const startMs = this.#nowMs();
    const started = performance.now();
    const midpoint = () => startMs + (performance.now() - started) / 2;
    try {
      const answer = await this.#client.requestTo(endpoint, "status", {}, {
        timeoutMs: this.#statusTimeoutMs,
      });
      const midpointMs = midpoint();
      if (answer.reply.service === "error") {
        return { endpoint, answered: true, report: null, midpointMs };
      }
      const report = readServerReport(answer.raw);
      return {
        endpoint,
        answered: true,
        report: typeof report === "string" ? null : report,
        midpointMs,
      };
    } catch (error) {
      // A reply the parser refuses still proves the server is up.
      const answered = error instanceof AgoraError &&
        error.code === "invalid_reply";
      return { endpoint, answered, report: null, midpointMs: midpoint() };
    }
  }

  #watchAnnouncements(): void {
    if (this.#announcements !== undefined || this.#closed) return;
    try {
      this.#announcements = this.#client.onServers((announcement) => {
        this.#tracker.announce(
          announcement.coordinator,
          announcement.timestamp ?? null,
          announcement.clock ?? this.#client.clock.value,
          this.#nowMs() / 1000,
        );
        if (this.#tracker.awaitingPoll) this.#pollSoon();
      });
    } catch (error) {
      // No proxy configured, or the client closed: polls still work.
      if (!this.#announcementsFailed) {
        this.#announcementsFailed = true;
        this.#log?.warn("announcements_unavailable", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /**
   * Polls as soon as possible with a poll that starts now (after the one in
   * flight, if any): an announced election waits for it (see
   * `real_event_tracker.ts`).
   */
  #pollSoon(): void {
    if (this.#closed || this.#soon !== undefined) return;
    this.#soon = (async () => {
      await this.#polling?.catch(() => undefined);
      await this.status().catch(() => undefined);
    })().finally(() => {
      this.#soon = undefined;
    });
  }

  #schedule(delayMs = this.#eventPollIntervalMs): void {
    if (
      this.#closed || this.#timer !== undefined || this.#ticking ||
      this.#listeners.size === 0
    ) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      let nextMs = this.#eventPollIntervalMs;
      this.#ticking = this.#tick()
        .then((dueMs) => {
          nextMs = dueMs;
        })
        .finally(() => {
          this.#ticking = undefined;
          this.#schedule(nextMs);
        });
    }, delayMs);
  }

  /** Polls unless another caller did within the interval; returns the delay to the next tick. */
  async #tick(): Promise<number> {
    const sinceMs = this.#nowMs() - this.#lastPollMs;
    if (sinceMs >= 0 && sinceMs < this.#eventPollIntervalMs) {
      return Math.max(1, this.#eventPollIntervalMs - sinceMs);
    }
    await this.status().catch(() => undefined);
    return this.#eventPollIntervalMs;
  }

  #emit(events: readonly ClusterEvent[]): void {
    for (const event of events) {
      for (const listener of [...this.#listeners]) {
        if (!listener.active) continue;
        try {
          listener.onEvent(event);
        } catch (error) {
          this.#log?.warn("event_listener_failed", {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  }

  #testServers(): readonly string[] | Record<string, string> | undefined {
    const configured = this.#book.configured;
    if (configured.length > 0) return configured;
    const known = this.#book.addresses;
    return Object.keys(known).length > 0 ? known : undefined;
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new ClusterError("unavailable", "The UI server is shutting down.");
    }
  }
}
