/**
 * Replication wiring (zguide Clone pattern): the pure `ReplicaState`
 * (which records are held, the next local sequence number, records waiting
 * beyond a gap) and `CatchupPlanner` (which pages to fetch from whom) of
 * `shared/`, fed by the network and the group commit.
 *
 * - Local records get their sequence number from {@link Replicator.nextLocal}.
 * - A `replicate` publication is verified (HMAC, `peer_auth.ts`), then
 *   {@link Replicator.onReplicate} stages the records that follow what is
 *   held (the rest waits in the bounded buffer) and tells the planner what
 *   their origin holds (seeing `(origin, seq)` proves the origin holds it),
 *   which reveals gaps.
 * - The planner asks every new live peer, and every peer each
 *   `vectorPollIntervalMs` (anti-entropy, which also finds a lost *last*
 *   record), for its vector (`sync_state`), and fetches what is missing
 *   with `sync` pages from a live peer; each page is applied inside the
 *   request loop (`enqueue`) and stepped as soon as it is staged, so the
 *   next page is fetched while this one is committed.
 * - After a failed commit, the state is rebuilt from storage
 *   ({@link Replicator.reset}); anything lost is fetched again.
 *
 * Replies to `sync` are not MAC'd: they come back on a connection this
 * server opened to the address the reference listed, and each record is
 * validated (`parseChatRecord`) and stored idempotently.
 *
 * @module
 */

import type { Logger } from "@agora/shared/log";
import type { ChatRecord, RecordData, RecordOp } from "@agora/shared/record";
import { ReplicaState } from "@agora/shared/replication";
import {
  type CatchupAction,
  CatchupPlanner,
} from "@agora/shared/replication_catchup";
import type { Committer } from "./committer.ts";
import type { EventRing } from "./events.ts";
import type { Requester } from "./requester.ts";
import type { Store } from "./storage.ts";

/** What a {@link Replicator} needs. */
export interface ReplicatorOptions {
  /** This server's name (origin of its records). */
  self: string;
  /** The store. */
  store: Store;
  /** Where received records are staged. */
  committer: Committer;
  /** Sends `sync_state` and `sync` requests. */
  requester: Requester;
  /** Runs a task inside the request loop's next turn. */
  enqueue: (task: () => void) => void;
  /** Merges a received record's Lamport clock. */
  receiveClock: (clock: number) => void;
  /** Physical clock reading, seconds (for events). */
  nowSeconds: () => number;
  /** Where catch-ups are recorded. */
  events: EventRing;
  /** Logger. */
  log: Logger;
  /** Ask every peer for its vector this often, ms. */
  vectorPollIntervalMs: number;
  /** A `sync` without a reply for this long failed, ms. */
  fetchTimeoutMs: number;
  /** Monotonic time, ms (default `performance.now`). */
  nowMs?: () => number;
}

/** Counters for `status`. */
export interface ReplicationStats {
  /** Records received in publications (before de-duplication). */
  received: number;
  /** Records fetched with `sync` and stored. */
  fetched: number;
  /** Publications refused (bad HMAC). */
  refused: number;
  /** Records waiting beyond a gap. */
  buffered: number;
  /** `sync` requests in flight. */
  inFlight: number;
}

/** Replication and catch-up (see the module docs). */
export class Replicator {
  readonly #o: ReplicatorOptions;
  readonly #nowMs: () => number;
  readonly #planner: CatchupPlanner;
  #replica: ReplicaState;
  #addresses = new Map<string, string>();
  /** Records fetched per peer since the last catch-up event. */
  readonly #fetchedFrom = new Map<string, number>();
  #received = 0;
  #fetched = 0;
  #refused = 0;

  /** Builds the state from the store. */
  constructor(options: ReplicatorOptions) {
    this.#o = options;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#replica = this.#fromStore();
    this.#planner = new CatchupPlanner({
      self: options.self,
      // The replica is replaced after a failed commit: read the current one.
      local: { held: (origin) => this.#replica.held(origin) },
      vectorPollIntervalMs: options.vectorPollIntervalMs,
      fetchTimeoutMs: options.fetchTimeoutMs,
    });
  }

  /** Counters. */
  get stats(): ReplicationStats {
    return {
      received: this.#received,
      fetched: this.#fetched,
      refused: this.#refused,
      buffered: this.#replica.bufferedCount,
      inFlight: this.#planner.inFlight,
    };
  }

  /** Origins where a live peer holds more than we do. */
  lag(): { origin: string; held: number; available: number }[] {
    return this.#planner.lag();
  }

  /** The highest contiguous sequence held from `origin`. */
  held(origin: string): number {
    return this.#replica.held(origin);
  }

  /** This server's next record (see `ReplicaState.nextLocal`). */
  nextLocal<K extends RecordOp>(
    op: K,
    data: RecordData[K],
    clock: number,
    timestamp: number,
  ): ChatRecord {
    return this.#replica.nextLocal(op, data, clock, timestamp);
  }

  /** Rebuilds the state from storage (after a failed commit). */
  reset(): void {
    this.#replica = this.#fromStore();
  }

  /** A fresh list of live servers from the reference. */
  onList(list: readonly { name: string; address?: string }[]): void {
    this.#addresses = new Map(
      list.filter((entry) => entry.address !== undefined).map((
        entry,
      ) => [entry.name, entry.address!]),
    );
    this.#act(this.#planner.step({
      type: "peers",
      nowMs: this.#nowMs(),
      peers: list.map((entry) => entry.name),
    }));
  }

  /** Time passes: fetch timeouts and vector polls. */
  tick(): void {
    this.#act(this.#planner.step({ type: "tick", nowMs: this.#nowMs() }));
  }

  /**
   * Records from a verified `replicate` publication (runs inside the
   * request loop's turn, so they join its commit).
   */
  onReplicate(records: readonly ChatRecord[]): void {
    this.#received += records.length;
    const seen = new Map<string, number>();
    for (const record of records) {
      if (record.origin === this.#o.self) continue;
      seen.set(
        record.origin,
        Math.max(seen.get(record.origin) ?? 0, record.seq),
      );
    }
    if (seen.size === 0) return;
    this.#stage(records);
    const nowMs = this.#nowMs();
    for (const [origin, seq] of seen) {
      this.#act(this.#planner.step({
        type: "peer_vector",
        nowMs,
        peer: origin,
        vector: { [origin]: seq },
      }));
    }
  }

  /** A publication failed its HMAC check. */
  onRefused(): void {
    this.#refused++;
  }

  #fromStore(): ReplicaState {
    const { store, self } = this.#o;
    const vector = store.vector();
    // Never reuse one of our own ids, even past a gap in our own records.
    vector[self] = Math.max(vector[self] ?? 0, store.maxSeq(self));
    return new ReplicaState({ self, vector });
  }

  /** Stages what follows the vector; returns how many were staged. */
  #stage(records: readonly ChatRecord[]): number {
    const result = this.#replica.applyIncoming(records);
    for (const record of result.persist) this.#o.receiveClock(record.clock);
    this.#o.committer.stageReplicated(result.persist);
    return result.persist.length;
  }

  #act(actions: readonly CatchupAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "query_vector":
          this.#queryVector(action.to);
          break;
        case "fetch":
          this.#fetch(action);
          break;
        default: {
          const never: never = action;
          void never;
        }
      }
    }
  }

  #queryVector(peer: string): void {
    const address = this.#addresses.get(peer);
    if (address === undefined) return;
    this.#o.requester.call(address, "sync_state", {}, { sign: [] }).then(
      (reply) => {
        this.#act(this.#planner.step({
          type: "peer_vector",
          nowMs: this.#nowMs(),
          peer,
          vector: reply.vector,
        }));
      },
      (error) =>
        this.#o.log.debug("sync_state_failed", { peer, error: text(error) }),
    );
  }

  #fetch(action: Extract<CatchupAction, { type: "fetch" }>): void {
    const { fetchId, to, origin, after, limit } = action;
    const address = this.#addresses.get(to);
    const failed = () =>
      this.#act(this.#planner.step({
        type: "fetch_failed",
        nowMs: this.#nowMs(),
        fetchId,
      }));
    if (address === undefined) {
      queueMicrotask(failed);
      return;
    }
    this.#o.requester.call(
      address,
      "sync",
      { origin, after, limit },
      { sign: [origin, after, limit], timeoutMs: this.#o.fetchTimeoutMs },
    ).then((reply) => {
      const stray = reply.records.find((record) =>
        record.origin !== origin || record.seq <= after ||
        record.seq > after + limit
      );
      if (stray !== undefined) {
        // Authenticated, so a member's bug: nothing of the page is kept.
        this.#o.log.warn("sync_page_refused", {
          to,
          origin,
          after,
          limit,
          stray: `${stray.origin}:${stray.seq}`,
        });
        failed();
        return;
      }
      this.#o.enqueue(() => {
        const staged = this.#stage(reply.records);
        // The page is staged (the replica holds it), so the next page is
        // asked for now: the peer reads it while this turn commits this
        // one. Still one page in flight per origin. If the commit fails,
        // `reset` rolls the replica back and the planner, finding no
        // progress in the next page, backs off and fetches it again.
        this.#act(this.#planner.step({
          type: "page",
          nowMs: this.#nowMs(),
          fetchId,
          last: reply.last,
        }));
        this.#o.committer.onSettled((ok) => {
          if (!ok) return;
          if (staged > 0) {
            this.#fetched += staged;
            this.#fetchedFrom.set(
              to,
              (this.#fetchedFrom.get(to) ?? 0) + staged,
            );
          }
          this.#reportCatchUp();
        });
      });
    }, (error) => {
      this.#o.log.debug("sync_failed", { to, origin, error: text(error) });
      failed();
    });
  }

  /** Once no fetch is in flight, one event per peer fetched from. */
  #reportCatchUp(): void {
    if (this.#planner.inFlight > 0 || this.#fetchedFrom.size === 0) return;
    for (const [from, records] of this.#fetchedFrom) {
      this.#o.log.info("caught_up", { from, records });
      this.#o.events.push({
        type: "catch_up",
        server: this.#o.self,
        from,
        records,
        timestamp: this.#o.nowSeconds(),
      });
    }
    this.#fetchedFrom.clear();
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
