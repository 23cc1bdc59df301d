/**
 * Catch-up planning: which pages of records to fetch from which live peer.
 * A state machine with no I/O.
 *
 * The planner compares what this server holds (`local.held(origin)`, the
 * {@link ReplicaState}) with what it knows each live peer holds, and asks
 * for the difference page by page with the `sync` service
 * (`{origin, after, limit}` → `{records, last}`).
 *
 * Knowledge of peers comes from:
 * - `sync_state` replies (`peer_vector` with the whole vector); the planner
 *   asks every new live peer at once (`query_vector`) and every live peer
 *   each `vectorPollIntervalMs`, which also finds records lost at the tail
 *   of a stream (no later record reveals that gap);
 * - records seen on the `replication` topic: a record `(origin, seq)`
 *   published by its origin shows the origin holds everything up to `seq`
 *   (`peer_vector` with `{ [origin]: seq }`);
 * - `last` in each page reply.
 *
 * Fetching: at most `pagesPerOriginMax` consecutive pages of one origin in
 * flight (default 2: the peer reads the next page while this server stores
 * the current one), at most `inFlightMax` in total, `pageLimit` records per
 * page; every origin gets its first page before any gets a second.
 * The peer holding the most of that origin is asked, the origin itself on
 * a tie. After a page (`page`, stepped once its records went through
 * `applyIncoming` and were persisted), the next page follows at once while
 * something is still missing. A fetch that fails (`fetch_failed`), times
 * out (`fetchTimeoutMs`, seen on `tick`) or returns nothing new makes the
 * planner avoid that peer for that origin for `retryBackoffMs` and ask
 * another one. A peer that leaves the live list (`peers`) loses its
 * fetches, which move to other peers.
 *
 * A brand-new server holds nothing: the first `peers` input queries every
 * peer's vector, and every origin they hold is fetched from the start.
 *
 * @example
 * ```ts
 * import { ReplicaState } from "@agora/shared/replication";
 * import { CatchupPlanner } from "@agora/shared/replication_catchup";
 * const replica = new ReplicaState({ self: "server_3" });
 * const planner = new CatchupPlanner({ self: "server_3", local: replica });
 * planner.step({ type: "peers", nowMs: 0, peers: ["server_1"] });
 * // → [{ type: "query_vector", to: "server_1" }]
 * planner.step({ type: "peer_vector", nowMs: 5, peer: "server_1", vector: { server_1: 2500 } });
 * // → [{ type: "fetch", fetchId: 1, to: "server_1", origin: "server_1", after: 0, limit: 2000 }]
 * ```
 *
 * @module
 */

import { SYNC_LIMIT_MAX } from "./protocol/limits.ts";
import type { Vector } from "./replication.ts";

/** What the planner reads of the local replica (a `ReplicaState`). */
export interface HeldSource {
  /** Highest contiguous sequence held from `origin` (0 if none). */
  held(origin: string): number;
}

/** Pages of one origin in flight by default (see {@link CatchupOptions}). */
export const PAGES_PER_ORIGIN_DEFAULT = 2;

/** Configuration of {@link CatchupPlanner}; times in ms. */
export interface CatchupOptions {
  /** This server's name (never asked for records). */
  self: string;
  /** The local replica. */
  local: HeldSource;
  /** Records per page (default and maximum: `SYNC_LIMIT_MAX`, 2000). */
  pageLimit?: number;
  /** Fetches in flight at most (default 4). */
  inFlightMax?: number;
  /** Pages of one origin in flight at most (default {@link PAGES_PER_ORIGIN_DEFAULT}, 2). */
  pagesPerOriginMax?: number;
  /** A fetch without a reply for this long has failed (default 2 000). */
  fetchTimeoutMs?: number;
  /** Ask every live peer for its vector this often (default 5 000). */
  vectorPollIntervalMs?: number;
  /** Avoid a peer for an origin this long after it failed (default 1 000). */
  retryBackoffMs?: number;
  /** Origins remembered per peer at most (default 1 000). */
  originsMax?: number;
}

/** What the server tells the planner. */
export type CatchupInput =
  /** The live servers (the reference's list; may include this one). */
  | { type: "peers"; nowMs: number; peers: readonly string[] }
  /** `peer` holds at least these sequences (`sync_state`, observed records). */
  | {
    type: "peer_vector";
    nowMs: number;
    peer: string;
    vector: Readonly<Vector>;
  }
  /** A `sync` reply for `fetchId` was applied; `last` is from the reply. */
  | { type: "page"; nowMs: number; fetchId: number; last: number }
  /** The `sync` request for `fetchId` failed. */
  | { type: "fetch_failed"; nowMs: number; fetchId: number }
  /** Time passes: timeouts and vector polls. */
  | { type: "tick"; nowMs: number };

/** What the planner asks the server to do. */
export type CatchupAction =
  /** Send `sync_state` to `to`; step the reply as `peer_vector`. */
  | { type: "query_vector"; to: string }
  /** Send `sync {origin, after, limit}` to `to`; apply, then step `page`. */
  | {
    type: "fetch";
    fetchId: number;
    to: string;
    origin: string;
    after: number;
    limit: number;
  };

/** One origin this server is behind on. */
export interface Lag {
  /** The origin. */
  origin: string;
  /** Held locally. */
  held: number;
  /** Held by the best live peer. */
  available: number;
}

interface Fetch {
  peer: string;
  origin: string;
  after: number;
  deadlineMs: number;
}

/** Plans `sync` fetches (see the module documentation). */
export class CatchupPlanner {
  readonly #self: string;
  readonly #local: HeldSource;
  readonly #pageLimit: number;
  readonly #inFlightMax: number;
  readonly #pagesPerOriginMax: number;
  readonly #fetchTimeoutMs: number;
  readonly #vectorPollIntervalMs: number;
  readonly #retryBackoffMs: number;
  readonly #originsMax: number;
  #peers = new Set<string>();
  readonly #known = new Map<string, Map<string, number>>();
  readonly #fetches = new Map<number, Fetch>();
  readonly #avoidUntilMs = new Map<string, number>();
  #nextFetchId = 1;
  #nextPollAtMs = Infinity;

  /** Creates a planner that knows no peer yet. */
  constructor(options: CatchupOptions) {
    this.#self = options.self;
    this.#local = options.local;
    this.#pageLimit = clamp(
      options.pageLimit ?? SYNC_LIMIT_MAX,
      1,
      SYNC_LIMIT_MAX,
    );
    this.#inFlightMax = Math.max(1, options.inFlightMax ?? 4);
    this.#pagesPerOriginMax = Math.max(
      1,
      options.pagesPerOriginMax ?? PAGES_PER_ORIGIN_DEFAULT,
    );
    this.#fetchTimeoutMs = options.fetchTimeoutMs ?? 2_000;
    this.#vectorPollIntervalMs = options.vectorPollIntervalMs ?? 5_000;
    this.#retryBackoffMs = options.retryBackoffMs ?? 1_000;
    this.#originsMax = Math.max(1, options.originsMax ?? 1_000);
  }

  /** Fetches in flight. */
  get inFlight(): number {
    return this.#fetches.size;
  }

  /** Origins where a live peer holds more than this server. */
  lag(): Lag[] {
    const lags: Lag[] = [];
    for (const origin of this.#origins()) {
      const held = this.#local.held(origin);
      const available = Math.max(
        0,
        ...[...this.#peers].map((peer) => this.#holds(peer, origin)),
      );
      if (available > held) lags.push({ origin, held, available });
    }
    return lags;
  }

  /** Feeds one input; returns what to do, in order. */
  step(input: CatchupInput): CatchupAction[] {
    const actions: CatchupAction[] = [];
    switch (input.type) {
      case "peers":
        actions.push(...this.#onPeers(input.nowMs, input.peers));
        break;
      case "peer_vector":
        this.#learn(input.peer, input.vector);
        break;
      case "page":
        this.#onPage(input.nowMs, input.fetchId, input.last);
        break;
      case "fetch_failed":
        this.#fail(input.nowMs, input.fetchId);
        break;
      case "tick":
        actions.push(...this.#onTick(input.nowMs));
        break;
      default: {
        const unknown: never = input;
        void unknown;
      }
    }
    actions.push(...this.#plan(input.nowMs));
    return actions;
  }

  #onPeers(nowMs: number, peers: readonly string[]): CatchupAction[] {
    const next = new Set(peers.filter((peer) => peer !== this.#self));
    for (const peer of this.#peers) {
      if (!next.has(peer)) this.#known.delete(peer);
    }
    for (const [fetchId, fetch] of this.#fetches) {
      if (!next.has(fetch.peer)) this.#fetches.delete(fetchId);
    }
    const joined = [...next].filter((peer) => !this.#peers.has(peer));
    this.#peers = next;
    if (this.#nextPollAtMs === Infinity && next.size > 0) {
      this.#nextPollAtMs = nowMs + this.#vectorPollIntervalMs;
    }
    return joined.map((to) => ({ type: "query_vector", to }));
  }

  #onTick(nowMs: number): CatchupAction[] {
    for (const [fetchId, fetch] of this.#fetches) {
      if (nowMs >= fetch.deadlineMs) this.#fail(nowMs, fetchId);
    }
    for (const [key, untilMs] of this.#avoidUntilMs) {
      if (nowMs >= untilMs) this.#avoidUntilMs.delete(key);
    }
    if (nowMs < this.#nextPollAtMs) return [];
    this.#nextPollAtMs = nowMs + this.#vectorPollIntervalMs;
    return [...this.#peers].map((to) => ({ type: "query_vector", to }));
  }

  #learn(peer: string, vector: Readonly<Vector>): void {
    if (!this.#peers.has(peer) || typeof vector !== "object" || !vector) {
      return;
    }
    let known = this.#known.get(peer);
    if (!known) {
      known = new Map();
      this.#known.set(peer, known);
    }
    for (const [origin, seq] of Object.entries(vector)) {
      if (!Number.isSafeInteger(seq) || seq < 0) continue;
      if (!known.has(origin) && known.size >= this.#originsMax) continue;
      known.set(origin, Math.max(known.get(origin) ?? 0, seq));
    }
  }

  #onPage(nowMs: number, fetchId: number, last: number): void {
    const fetch = this.#fetches.get(fetchId);
    if (!fetch) return;
    this.#fetches.delete(fetchId);
    // A page ahead that came back first holds records waiting for the page
    // before it, which is still in flight: not a peer sending nothing.
    let behindPending = false;
    for (const other of this.#fetches.values()) {
      if (other.origin === fetch.origin && other.after < fetch.after) {
        behindPending = true;
      }
    }
    const progressed = behindPending ||
      this.#local.held(fetch.origin) > fetch.after;
    const known = this.#known.get(fetch.peer);
    if (Number.isSafeInteger(last) && last >= 0 && known) {
      // The reply is the peer's own word: believe it even when lower than
      // what was inferred, so that we stop asking for what it lacks.
      known.set(
        fetch.origin,
        progressed ? Math.max(known.get(fetch.origin) ?? 0, last) : last,
      );
    }
    if (!progressed && this.#holds(fetch.peer, fetch.origin) > fetch.after) {
      // It claims to hold more but sent nothing usable: try someone else.
      this.#avoid(nowMs, fetch.peer, fetch.origin);
    }
  }

  #fail(nowMs: number, fetchId: number): void {
    const fetch = this.#fetches.get(fetchId);
    if (!fetch) return;
    this.#fetches.delete(fetchId);
    this.#avoid(nowMs, fetch.peer, fetch.origin);
  }

  #avoid(nowMs: number, peer: string, origin: string): void {
    this.#avoidUntilMs.set(
      `${peer}\u0000${origin}`,
      nowMs + this.#retryBackoffMs,
    );
  }

  #plan(nowMs: number): CatchupAction[] {
    const actions: CatchupAction[] = [];
    const origins = this.#origins();
    // Breadth first: round r gives an origin its (r + 1)-th page in flight.
    for (let round = 0; round < this.#pagesPerOriginMax; round++) {
      for (const origin of origins) {
        if (this.#fetches.size >= this.#inFlightMax) return actions;
        let pending = 0;
        // A page ahead starts where the pages in flight end (if the peer
        // lacks some seqs they overlap; applying is idempotent).
        let after = this.#local.held(origin);
        let aheadOf: Fetch | undefined;
        for (const fetch of this.#fetches.values()) {
          if (fetch.origin !== origin) continue;
          pending++;
          after = Math.max(after, fetch.after + this.#pageLimit);
          if (aheadOf === undefined || fetch.after > aheadOf.after) {
            aheadOf = fetch;
          }
        }
        if (pending !== round) continue;
        // A page ahead goes to the peer of the page before it when it can:
        // one connection answers in order, so pages land in order.
        const peer = aheadOf !== undefined &&
            this.#usable(nowMs, aheadOf.peer, origin) &&
            this.#holds(aheadOf.peer, origin) > after
          ? aheadOf.peer
          : this.#bestPeer(nowMs, origin, after);
        if (peer === undefined) continue;
        const fetchId = this.#nextFetchId++;
        this.#fetches.set(fetchId, {
          peer,
          origin,
          after,
          deadlineMs: nowMs + this.#fetchTimeoutMs,
        });
        actions.push({
          type: "fetch",
          fetchId,
          to: peer,
          origin,
          after,
          limit: this.#pageLimit,
        });
      }
    }
    return actions;
  }

  /** Whether `peer` is not being avoided for `origin`. */
  #usable(nowMs: number, peer: string, origin: string): boolean {
    const untilMs = this.#avoidUntilMs.get(`${peer}\u0000${origin}`);
    return untilMs === undefined || nowMs >= untilMs;
  }

  #bestPeer(nowMs: number, origin: string, after: number): string | undefined {
    let best: string | undefined;
    let bestSeq = after;
    for (const peer of [...this.#peers].sort()) {
      const seq = this.#holds(peer, origin);
      const avoidUntilMs = this.#avoidUntilMs.get(`${peer}\u0000${origin}`);
      if (avoidUntilMs !== undefined && nowMs < avoidUntilMs) continue;
      if (
        seq > bestSeq || (seq === bestSeq && seq > after && peer === origin)
      ) {
        best = peer;
        bestSeq = seq;
      }
    }
    return best;
  }

  #holds(peer: string, origin: string): number {
    return this.#known.get(peer)?.get(origin) ?? 0;
  }

  /** Every origin some live peer is known to hold, in a stable order. */
  #origins(): string[] {
    const origins = new Set<string>();
    for (const known of this.#known.values()) {
      for (const origin of known.keys()) origins.add(origin);
    }
    return [...origins].sort();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : max;
}
