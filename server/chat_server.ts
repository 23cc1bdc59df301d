/**
 * One chat server, assembled: the store, the sockets (ROUTER for requests,
 * PUB and SUB through the proxy), the request loop with group commit
 * (`pump.ts`), the reference link, election and Berkeley
 * (`coordination.ts`) and replication (`replicator.ts`).
 *
 * Startup: open the store (its lock keeps a second process out); if the
 * store lacks records of our own name that live peers hold (the data
 * directory was lost), fetch them back first, so no id is ever reused;
 * bind; connect to the proxy; start the loop; register with the reference.
 * Shutdown ({@linkcode ChatServer.stop}): stop the timers and the reference
 * link, let the loop finish its turn (every acknowledged write is stored),
 * optionally export, close the sockets (publications get a bounded linger)
 * and the store.
 *
 * With the cluster CURVE key pair (`curve`), a second ROUTER, the peer
 * socket, binds as a CURVE server and serves only the server-to-server
 * services; its address goes to the reference as `peer_address`, and
 * requests to a peer that listed one go there over CURVE.
 *
 * @module
 */

import type { ElectionTimings } from "@agora/shared/election";
import type { Logger } from "@agora/shared/log";
import { PhysicalClock } from "@agora/shared/physical_clock";
import {
  encodePublicationFrames,
  floatSeconds,
  parsePublication,
  parseServerList,
  type Publication,
  type ServerEntry,
  type ServerStatus,
  type Stamp,
} from "@agora/shared/protocol";
import type { ChatRecord } from "@agora/shared/record";
import { Publisher, Router, Subscriber } from "@agora/shared/zmq";
import { BatchView } from "./batch_view.ts";
import { Committer } from "./committer.ts";
import { type CurveKeys, defaultPeerBind, peerRoutes } from "./curve_config.ts";
import { Coordination } from "./coordination.ts";
import { DurableLamport } from "./durable_lamport.ts";
import { EventRing } from "./events.ts";
import type { RecordFactory } from "./handlers.ts";
import { PeerAuth } from "./peer_auth.ts";
import { PeerServices } from "./peer_services.ts";
import { Pump } from "./pump.ts";
import { ReferenceLink } from "./reference_link.ts";
import { equalBytes, OwnPublications } from "./own_publications.ts";
import { Replicator } from "./replicator.ts";
import { Requester } from "./requester.ts";
import { Store } from "./storage.ts";

/** Everything a server is configured with. */
export interface ChatServerConfig {
  /** Server name. */
  name: string;
  /** ROUTER bind endpoint. */
  bind: string;
  /** Endpoint peers and clients use (default: derived from the bound port). */
  advertise?: string;
  /** Reference endpoint. */
  reference: string;
  /** Proxy XSUB endpoint (we publish there). */
  proxyPub: string;
  /** Proxy XPUB endpoint (we subscribe there). */
  proxySub: string;
  /** Store directory. */
  dataDir: string;
  /** HMAC key. */
  clusterSecret: string;
  /** Reference heartbeat and list period, ms. */
  heartbeatIntervalMs: number;
  /** Timeout of requests to the reference and peers, ms. */
  requestTimeoutMs: number;
  /** Most client requests per group commit. */
  batchMax: number;
  /** Simulated initial physical clock offset, seconds. */
  clockOffsetSeconds: number;
  /** Simulated drift, ppm. */
  clockDriftPpm: number;
  /** Berkeley round period, ms. */
  berkeleyIntervalMs: number;
  /** Anti-entropy (vector comparison) period, ms. */
  antiEntropyIntervalMs: number;
  /** Export the original layout here on shutdown (and periodically). */
  exportDir?: string;
  /** Periodic export period, ms (0: only on shutdown). */
  exportIntervalMs?: number;
  /** The cluster CURVE key pair: enables the encrypted peer socket. */
  curve?: CurveKeys;
  /** Peer socket bind endpoint (default: `bind`'s host, port + 1). */
  peerBind?: string;
  /** Endpoint peers use for the peer socket (default: from its bound port). */
  peerAdvertise?: string;
  /** Election timeouts (tests may shorten them). */
  electionTimings?: Partial<ElectionTimings>;
  /** Timer period of election, Berkeley and catch-up, ms (default 25). */
  tickMs?: number;
}

/** Longest request frame accepted on the ROUTER; a bigger one drops its connection. */
export const ROUTER_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Queued publications towards the proxy before PUB drops. */
export const PUBLISH_HIGH_WATER_MARK = 100_000;
/** Pages fetched at most while recovering our own records at startup. */
const RECOVERY_PAGES_MAX = 10_000;

/** A running chat server (see the module docs). */
export class ChatServer {
  /** The configuration. */
  readonly config: ChatServerConfig;
  /** Where peers and clients reach this server. */
  readonly address: string;
  /** The bound endpoint (real port for `:*` binds). */
  readonly endpoint: string;
  /** Where peers reach the CURVE peer socket (undefined without CURVE). */
  readonly peerAddress: string | undefined;
  readonly #log: Logger;
  readonly #store: Store;
  readonly #router: Router;
  readonly #peerRouter: Router | undefined;
  readonly #curveEndpoints: Set<string>;
  readonly #publisher: Publisher;
  readonly #subscriber: Subscriber;
  readonly #physical: PhysicalClock;
  readonly #lamport: DurableLamport;
  readonly #requester: Requester;
  readonly #auth: PeerAuth;
  readonly #pump: Pump;
  readonly #coordination: Coordination;
  readonly #replicator: Replicator;
  readonly #own = new OwnPublications();
  readonly #link: ReferenceLink;
  readonly #events = new EventRing();
  /** What the reference said last, as stored (see `#remember`). */
  readonly #remembered = new Map<string, string>();
  readonly #startedMs = performance.now();
  #ticker: ReturnType<typeof setInterval> | undefined;
  #exporter: ReturnType<typeof setInterval> | undefined;
  #exporting: Promise<void> | undefined;
  #list: ServerEntry[] = [];
  #stopping: Promise<void> | undefined;
  #running: Promise<void>;

  private constructor(
    config: ChatServerConfig,
    log: Logger,
    store: Store,
    parts: {
      physical: PhysicalClock;
      lamport: DurableLamport;
      requester: Requester;
      auth: PeerAuth;
      router: Router;
      peerRouter: Router | undefined;
      curveEndpoints: Set<string>;
      publisher: Publisher;
      subscriber: Subscriber;
      address: string;
      peerAddress: string | undefined;
    },
  ) {
    this.config = config;
    this.#log = log;
    this.#store = store;
    this.#physical = parts.physical;
    this.#lamport = parts.lamport;
    this.#requester = parts.requester;
    this.#router = parts.router;
    this.#peerRouter = parts.peerRouter;
    this.#curveEndpoints = parts.curveEndpoints;
    this.peerAddress = parts.peerAddress;
    this.#publisher = parts.publisher;
    this.#subscriber = parts.subscriber;
    this.address = parts.address;
    this.endpoint = parts.router.lastEndpoint;
    const { auth } = parts;
    this.#auth = auth;
    const view = new BatchView(store);
    const committer = new Committer({
      store,
      view,
      auth,
      own: this.#own,
      restartClock: () => this.#lamport.restartFloor,
      stamp: () => this.#stamp(),
    });
    this.#coordination = new Coordination({
      name: config.name,
      physical: this.#physical,
      requester: this.#requester,
      announce: (coordinator, rank) => this.#announce(coordinator, rank),
      lamport: () => this.#lamport.value,
      events: this.#events,
      log,
      requestTimeoutMs: config.requestTimeoutMs,
      berkeleyIntervalMs: config.berkeleyIntervalMs,
      electionTimings: config.electionTimings,
    });
    this.#replicator = new Replicator({
      self: config.name,
      store,
      committer,
      requester: this.#requester,
      enqueue: (task) => this.#pump.enqueue(task),
      // Records from `sync` pages are not signed: see receiveUntrusted.
      receiveClock: (clock) => this.#lamport.receiveUntrusted(clock),
      nowSeconds: () => this.#physical.now(),
      events: this.#events,
      log,
      vectorPollIntervalMs: config.antiEntropyIntervalMs,
      fetchTimeoutMs: Math.max(2000, config.requestTimeoutMs * 2),
    });
    const make: RecordFactory = (op, data) =>
      this.#replicator.nextLocal(
        op,
        data,
        this.#lamport.tick(),
        floatSeconds(this.#physical.now()),
      );
    const peers = new PeerServices({
      store,
      auth,
      coordination: this.#coordination,
      nowSeconds: () => this.#physical.now(),
      status: () => this.status(),
    });
    this.#pump = new Pump({
      router: this.#router,
      peerRouter: this.#peerRouter,
      subscriber: this.#subscriber,
      publisher: this.#publisher,
      committer,
      view,
      make,
      receiveClock: (clock) => this.#lamport.receiveUntrusted(clock),
      stamp: () => this.#stamp(),
      peers,
      onPublication: (frames) => this.#onPublication(frames, auth),
      onClientHandled: () => this.#coordination.onClientHandled(),
      onCommitFailed: () => this.#replicator.reset(),
      log,
      batchMax: config.batchMax,
    });
    this.#link = new ReferenceLink({
      endpoint: config.reference,
      name: config.name,
      address: this.address,
      peerAddress: this.peerAddress,
      intervalMs: config.heartbeatIntervalMs,
      requester: this.#requester,
      log,
      onRank: (rank) => {
        this.#remember(META_RANK, String(rank));
        this.#coordination.setRank(rank);
      },
      onList: (list) => {
        this.#remember(META_LIST, JSON.stringify(list));
        this.#onList(list);
      },
    });
    this.#running = this.#pump.start();
  }

  /**
   * Opens the store, recovers our own records if the store lost them,
   * binds, connects and starts everything.
   *
   * @throws the store's `StorageError` (e.g. `LOCKED`) or a bind `ZmqError`
   */
  static async start(
    config: ChatServerConfig,
    log: Logger,
  ): Promise<ChatServer> {
    const store = Store.open(config.dataDir);
    const sockets: { close(): void }[] = [];
    try {
      const physical = new PhysicalClock({
        // Sub-millisecond wall-clock time (Date.now() has 1 ms steps, which
        // would be most of Berkeley's error budget on one machine).
        systemSeconds: () =>
          (performance.timeOrigin + performance.now()) / 1000,
        offsetSeconds: config.clockOffsetSeconds,
        driftPpm: config.clockDriftPpm,
      });
      const lamport = new DurableLamport(
        store.loadClock(),
        (clock) => store.saveClock(clock),
        (error) => log.error("clock_save_failed", { error: String(error) }),
      );
      const auth = new PeerAuth(config.clusterSecret);
      const curveEndpoints = new Set<string>();
      const requester = new Requester({
        timeoutMs: config.requestTimeoutMs,
        stamp: () => stampOf(physical, lamport),
        // Replies are not signed (the reference never is): bounded.
        receiveClock: (clock) => lamport.receiveUntrusted(clock),
        auth,
        curve: config.curve,
        curveFor: (endpoint) => curveEndpoints.has(endpoint),
      });
      sockets.push(requester);
      await recoverOwnRecords(
        config,
        store,
        requester,
        lamport,
        log,
        curveEndpoints,
      );
      const router = new Router({
        linger: 0,
        maxMessageSize: ROUTER_MAX_MESSAGE_BYTES,
      });
      sockets.push(router);
      await router.bind(config.bind);
      const address = config.advertise ?? advertisedAddress(
        router.lastEndpoint,
      );
      let peerRouter: Router | undefined;
      let peerAddress: string | undefined;
      if (config.curve !== undefined) {
        peerRouter = new Router({
          linger: 0,
          maxMessageSize: ROUTER_MAX_MESSAGE_BYTES,
          curveServer: true,
          curveSecretKey: config.curve.secretKey,
        });
        sockets.push(peerRouter);
        await peerRouter.bind(config.peerBind ?? defaultPeerBind(config.bind));
        peerAddress = config.peerAdvertise ??
          advertisedAddress(peerRouter.lastEndpoint);
      }
      const publisher = new Publisher({
        linger: 1000,
        sendHighWaterMark: PUBLISH_HIGH_WATER_MARK,
      });
      sockets.push(publisher);
      publisher.connect(config.proxyPub);
      const subscriber = new Subscriber({ linger: 0 });
      sockets.push(subscriber);
      subscriber.connect(config.proxySub);
      // Prefix subscriptions: a channel called "servers2" also arrives, and
      // is ignored because topics are compared exactly.
      subscriber.subscribe("servers", "replication");
      const server = new ChatServer(config, log, store, {
        physical,
        lamport,
        requester,
        auth,
        router,
        peerRouter,
        curveEndpoints,
        publisher,
        subscriber,
        address,
        peerAddress,
      });
      server.#begin();
      return server;
    } catch (error) {
      for (const socket of sockets) socket.close();
      store.close();
      throw error;
    }
  }

  /** Settles when the request loop stopped. */
  get done(): Promise<void> {
    return this.#running;
  }

  /** The `status` reply's data (see `peer_services.ts`). */
  status(): ServerStatus & Record<string, unknown> {
    const store = this.#store;
    const counts: Record<string, number> = { ...store.counts() };
    return {
      name: this.config.name,
      rank: this.#coordination.rank ?? null,
      coordinator: this.#coordination.coordinator,
      offset: this.#physical.offset,
      counts,
      vector: store.vector(),
      digest: store.digest(),
      lamport: this.#lamport.value,
      address: this.address,
      time: this.#physical.now(),
      driftPpm: this.#physical.driftPpm,
      election: {
        phase: this.#coordination.phase,
        started: this.#coordination.electionsStarted,
      },
      berkeleyRounds: this.#coordination.berkeleyRounds,
      referenceUp: this.#link.up,
      peers: this.#list.map(({ name, rank }) => ({ name, rank })),
      replication: {
        ...this.#replicator.stats,
        lag: this.#replicator.lag(),
      },
      requests: this.#pump.stats,
      events: this.#events.recent(),
      lastEventSeq: this.#events.lastSeq,
      uptimeSeconds: (performance.now() - this.#startedMs) / 1000,
    };
  }

  /** Stops gracefully (see the module docs). Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  #begin(): void {
    // Until the reference answers, go on from what it said last time: a
    // server started while the reference is down still finds its peers,
    // elects and catches up. Its fresh answers replace these.
    for (const key of [META_RANK, META_LIST]) {
      const value = this.#store.getMeta(key);
      if (value !== undefined) this.#remembered.set(key, value);
    }
    const rank = Number(this.#remembered.get(META_RANK));
    if (Number.isSafeInteger(rank) && rank >= 0) {
      this.#coordination.setRank(rank);
    }
    const list = savedList(this.#remembered.get(META_LIST));
    if (list !== undefined) this.#onList(list);
    const tickMs = this.config.tickMs ?? 25;
    this.#ticker = setInterval(() => {
      try {
        this.#coordination.tick();
        this.#replicator.tick();
      } catch (error) {
        this.#log.error("tick_failed", { error: String(error) });
      }
    }, tickMs);
    this.#link.start();
    const exportMs = this.config.exportIntervalMs ?? 0;
    if (this.config.exportDir !== undefined && exportMs > 0) {
      this.#exporter = setInterval(() => this.#export(), exportMs);
    }
    this.#log.info("listening", {
      endpoint: this.endpoint,
      address: this.address,
      ...(this.#peerRouter === undefined ? {} : {
        peerEndpoint: this.#peerRouter.lastEndpoint,
        peerAddress: this.peerAddress,
      }),
      dataDir: this.config.dataDir,
      clock: this.#lamport.value,
      offsetMs: this.#physical.offset * 1000,
      driftPpm: this.#physical.driftPpm,
      counts: this.#store.counts(),
    });
  }

  async #stop(): Promise<void> {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    if (this.#exporter !== undefined) clearInterval(this.#exporter);
    await this.#link.stop();
    await this.#pump.stop();
    this.#requester.close();
    await this.#exporting;
    if (this.config.exportDir !== undefined) await this.#export();
    this.#router.close();
    this.#peerRouter?.close();
    this.#subscriber.close();
    // PUB keeps its linger (bounded) to hand the last publications over.
    this.#publisher.close();
    this.#store.close();
    this.#log.info("stopped", { clock: this.#lamport.value });
  }

  #export(): Promise<void> {
    const dir = this.config.exportDir;
    if (dir === undefined || this.#exporting) {
      return this.#exporting ?? Promise.resolve();
    }
    this.#exporting = this.#store.exportOriginal(dir).then(
      () => this.#log.info("exported", { dir }),
      (error) =>
        this.#log.error("export_failed", { dir, error: String(error) }),
    ).finally(() => this.#exporting = undefined);
    return this.#exporting;
  }

  #stamp(): Stamp {
    return stampOf(this.#physical, this.#lamport);
  }

  /**
   * `{service: "election", data: {coordinator, rank, timestamp, clock,
   * auth}}` on `servers`: `rank` and `auth` are our extensions; `auth`
   * signs the claim (see {@linkcode announcedRank}).
   */
  #announce(coordinator: string, rank: number): void {
    const stamp = this.#stamp();
    this.#publisher.send(
      encodePublicationFrames("servers", {
        service: "election",
        data: {
          coordinator,
          rank,
          timestamp: stamp.timestamp,
          clock: stamp.clock,
          auth: this.#auth.request("announce", stamp, [coordinator, rank]),
        },
      }),
    ).catch((error) =>
      this.#log.warn("announce_failed", { error: String(error) })
    );
  }

  /** Stores a value of the reference's when it changed (a durable write). */
  #remember(key: string, value: string): void {
    if (this.#remembered.get(key) === value) return;
    try {
      this.#store.setMeta(key, value);
      this.#remembered.set(key, value);
    } catch (error) {
      this.#log.warn("meta_save_failed", { key, error: String(error) });
    }
  }

  #onList(reported: ServerEntry[]): void {
    // Only entries with an address are servers we can talk to; a name that
    // took a rank without one (a test probe, a course tool) cannot answer an
    // election or a sync, so it takes no part in either.
    // With CURVE, a peer that listed its peer socket is reached there.
    const list = peerRoutes(
      reported,
      this.config.curve !== undefined,
      this.#curveEndpoints,
    ).filter((entry) => entry.address !== undefined);
    this.#list = list;
    this.#coordination.onList(list);
    this.#replicator.onList(list);
  }

  #onPublication(frames: Uint8Array[], auth: PeerAuth): void {
    // Our own replication publications come back through the proxy: a
    // byte-identical echo holds only records we stored, so skip parsing it.
    if (
      frames.length === 2 && equalBytes(frames[0], REPLICATION_TOPIC) &&
      this.#own.takeOwn(frames[1])
    ) {
      return;
    }
    const parsed = parsePublication(frames);
    if (!parsed.ok) {
      this.#log.debug("bad_publication", { description: parsed.description });
      return;
    }
    const publication = parsed.value;
    switch (publication.kind) {
      case "election": {
        // Anyone can publish on the proxy: only a signed announcement
        // (its rank checks out) may move our clock by any amount.
        const rank = announcedRank(publication, auth, this.#physical.now());
        if (rank === undefined) {
          // Unsigned, or not by a cluster member: anyone can publish
          // "coordinator: me" on the proxy, and the name may hold a top
          // rank at the reference. Only its clock is merged (bounded).
          this.#lamport.receiveUntrusted(publication.clock);
          return;
        }
        this.#lamport.receive(publication.clock);
        // The signed Lamport clock orders a claimant's announcements: a
        // replayed one (still fresh) is not newer and is ignored.
        this.#coordination.onAnnouncement(
          publication.coordinator,
          rank,
          publication.clock,
        );
        return;
      }
      case "replication":
        // Our own publications come back through the proxy: nothing to do.
        if (publication.records.every((r) => r.origin === this.config.name)) {
          return;
        }
        if (!auth.verifyReplication(publication.records, publication.auth)) {
          this.#replicator.onRefused();
          this.#log.warn("replication_refused", {
            records: publication.records.length,
          });
          return;
        }
        // The MAC covers the records (their clocks are merged as they are
        // stored), not this envelope's clock: a replay could carry any.
        this.#lamport.receiveUntrusted(publication.clock);
        this.#replicator.onReplicate(publication.records);
        return;
      default:
        // A channel or user whose name starts with "servers"/"replication".
        return;
    }
  }
}

const REPLICATION_TOPIC = new TextEncoder().encode("replication");
/** Store meta: the rank the reference gave this server last. */
const META_RANK = "reference.rank";
/** Store meta: the last server list from the reference (JSON). */
const META_LIST = "reference.list";

/** A list saved under {@linkcode META_LIST}, if it reads as one. */
function savedList(text: string | undefined): ServerEntry[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = parseServerList(JSON.parse(text));
    return parsed.ok ? parsed.value : undefined;
  } catch {
    return undefined; // not JSON
  }
}

/** `tcp://127.0.0.1:<port>` for wildcard binds, else the bound endpoint. */
export function advertisedAddress(boundEndpoint: string): string {
  const match = /^tcp:\/\/(.*):(\d+)$/.exec(boundEndpoint);
  if (!match) return boundEndpoint;
  const [, host, port] = match;
  const wildcard = host === "*" || host === "0.0.0.0" || host === "[::]" ||
    host === "::";
  return `tcp://${wildcard ? "127.0.0.1" : host}:${port}`;
}

/**
 * The `rank` of an election announcement (our extension), when the
 * announcement is signed (`auth` over `"announce"`, the stamp and
 * `[coordinator, rank]`, as for requests): anyone can publish on the proxy,
 * and a forged claim would win every election. An announcement without a
 * valid signature (`undefined` here) is ignored.
 */
function announcedRank(
  announcement: Extract<Publication, { kind: "election" }>,
  auth: PeerAuth,
  nowSeconds: number,
): number | undefined {
  const { coordinator, rank, timestamp, clock } = announcement;
  if (rank === undefined) return undefined;
  const refused = auth.checkRequest(
    "announce",
    { timestamp, clock },
    [coordinator, rank],
    announcement.auth,
    nowSeconds,
  );
  return refused === undefined ? rank : undefined;
}

/**
 * If live peers hold records of our own origin that the store lacks (its
 * data directory was lost or restored from an old copy), fetch them before
 * serving: new records must never reuse one of our ids. Bounded by the
 * request timeouts; a reference or peers that do not answer are skipped.
 */
async function recoverOwnRecords(
  config: ChatServerConfig,
  store: Store,
  requester: Requester,
  lamport: DurableLamport,
  log: Logger,
  curveEndpoints: Set<string>,
): Promise<void> {
  let list: ServerEntry[];
  try {
    const { list: reported } = await requester.call(
      config.reference,
      "list",
      {},
    );
    list = peerRoutes(reported, config.curve !== undefined, curveEndpoints);
  } catch {
    return;
  }
  let recovered = 0;
  for (const peer of list) {
    if (peer.name === config.name || peer.address === undefined) continue;
    let theirs: number;
    try {
      const { vector } = await requester.call(
        peer.address,
        "sync_state",
        {},
        { sign: [] },
      );
      theirs = vector[config.name] ?? 0;
    } catch {
      continue;
    }
    for (let page = 0; page < RECOVERY_PAGES_MAX; page++) {
      const after = store.vector()[config.name] ?? 0;
      if (after >= theirs) break;
      let records: ChatRecord[];
      try {
        ({ records } = await requester.call(
          peer.address,
          "sync",
          { origin: config.name, after, limit: 1000 },
          { sign: [config.name, after, 1000] },
        ));
      } catch {
        break;
      }
      const own = records.filter((record) => record.origin === config.name);
      if (own.length === 0) break;
      for (const record of own) lamport.receiveUntrusted(record.clock);
      recovered += store.append(own, { clock: lamport.value }).length;
    }
  }
  if (recovered > 0) {
    log.warn("recovered_own_records", { records: recovered });
  }
}

/** A fresh stamp: the physical clock (always a float) and a Lamport tick. */
function stampOf(physical: PhysicalClock, lamport: DurableLamport): Stamp {
  return { timestamp: floatSeconds(physical.now()), clock: lamport.tick() };
}
