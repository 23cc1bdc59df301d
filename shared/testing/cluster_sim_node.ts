/**
 * One simulated server for `cluster_sim.ts`: the election, Berkeley and
 * replication state machines wired to a simulated network the way the real
 * server loop wires them to sockets, storage and timers — receive → step →
 * persist → send. Read it as the reference for that loop.
 *
 * @module
 */

import { BerkeleyRound, type BerkeleyRoundAction } from "../berkeley_round.ts";
import { ClockFollower } from "../clock_follower.ts";
import { Election, type ElectionAction, type Peer } from "../election.ts";
import { LamportClock } from "../lamport.ts";
import type { PhysicalClock } from "../physical_clock.ts";
import type { ChatRecord, RecordData, RecordOp } from "../record.ts";
import { type ApplyResult, ReplicaState, type Vector } from "../replication.ts";
import { type CatchupAction, CatchupPlanner } from "../replication_catchup.ts";

/** Messages between simulated servers (requests, replies, publications). */
export type SimMessage =
  | { kind: "election"; rank: number }
  | { kind: "election_ok" }
  | { kind: "announce"; coordinator: string; rank: number }
  | { kind: "status" }
  | { kind: "status_reply"; coordinator: string | null }
  | { kind: "clock"; round?: number; rpc?: number }
  | { kind: "clock_reply"; round?: number; rpc?: number; time: number }
  | { kind: "clock_adjust"; round: number; adjust: number }
  | {
    kind: "sync";
    fetchId: number;
    origin: string;
    after: number;
    limit: number;
  }
  | { kind: "sync_reply"; fetchId: number; records: ChatRecord[]; last: number }
  | { kind: "sync_state" }
  | { kind: "sync_state_reply"; vector: Vector }
  | { kind: "replicate"; records: ChatRecord[] };

/** A server's durable storage: survives a kill unless wiped. */
export class SimStorage {
  /** Records per origin; index `seq - 1`, so sequences are contiguous. */
  readonly byOrigin: Map<string, ChatRecord[]> = new Map();
  /** Persisted Lamport clock. */
  lamport = 0;

  /** Appends a record; false if it would break contiguity. */
  append(record: ChatRecord): boolean {
    let list = this.byOrigin.get(record.origin);
    if (!list) {
      list = [];
      this.byOrigin.set(record.origin, list);
    }
    if (record.seq !== list.length + 1) return false;
    list.push(record);
    return true;
  }

  /** Highest sequence held per origin. */
  vector(): Vector {
    const vector: Vector = {};
    for (const [origin, list] of this.byOrigin) vector[origin] = list.length;
    return vector;
  }

  /** Every record held. */
  all(): ChatRecord[] {
    return [...this.byOrigin.values()].flat();
  }
}

/** What a node needs from the simulated world. */
export interface SimHost {
  /** Simulated monotonic time, ms. */
  nowMs(): number;
  /** Simulated system time, seconds since the epoch. */
  systemSeconds(): number;
  /** Sends a request or reply to one server. */
  send(from: string, to: string, message: SimMessage): void;
  /** Publishes through the proxy to every server (the sender included). */
  publish(from: string, message: SimMessage): void;
  /** The reference: registers a heartbeat and returns the live list. */
  heartbeat(name: string): Peer[];
  /** Called with each record persisted (for invariant checks). */
  persisted(node: SimNode, record: ChatRecord): void;
  /** Called after a Berkeley adjustment was applied on `node`. */
  adjusted(node: SimNode, roundKey: string): void;
}

/** Timing and tuning of a simulated server, ms unless named. */
export interface SimNodeConfig {
  /** Reference heartbeat and list poll interval (default 1 000). */
  heartbeatIntervalMs: number;
  /** Timeout of a follower's `clock` request to the coordinator. */
  requestTimeoutMs: number;
  /** Berkeley round-trip limit, seconds. */
  rttSecondsMax: number;
  /** Berkeley periodic round interval. */
  roundIntervalMs: number;
  /** Catch-up vector poll interval. */
  vectorPollIntervalMs: number;
  /** Catch-up page size. */
  pageLimit: number;
  /** Catch-up fetch timeout. */
  fetchTimeoutMs: number;
}

/** One simulated server (see the module documentation). */
export class SimNode {
  /** Server name. */
  readonly name: string;
  /** Rank from the reference. */
  readonly rank: number;
  /** Durable storage. */
  readonly storage: SimStorage;
  /** Physical clock (offset and drift drawn by the world). */
  readonly clock: PhysicalClock;
  /** Bully election. */
  readonly election: Election;
  /** Berkeley rounds, driven while coordinator. */
  readonly berkeley: BerkeleyRound;
  /** Sync counter and `clock_adjust` de-duplication. */
  readonly follower: ClockFollower = new ClockFollower();
  /** Replication bookkeeping. */
  readonly replica: ReplicaState;
  /** Catch-up planning. */
  readonly planner: CatchupPlanner;
  readonly #host: SimHost;
  readonly #config: SimNodeConfig;
  readonly #lamport: LamportClock;
  readonly #syncRequests = new Map<
    number,
    { to: string; deadlineMs: number }
  >();
  #nextRpc = 1;
  #nextHeartbeatMs: number;

  /** Creates a server over existing storage; call {@link start} next. */
  constructor(
    host: SimHost,
    init: {
      name: string;
      rank: number;
      storage: SimStorage;
      clock: PhysicalClock;
      config: SimNodeConfig;
      firstRound: number;
      heartbeatPhaseMs: number;
    },
  ) {
    this.#host = host;
    this.#config = init.config;
    this.name = init.name;
    this.rank = init.rank;
    this.storage = init.storage;
    this.clock = init.clock;
    this.#lamport = new LamportClock(init.storage.lamport);
    this.election = new Election({ name: this.name, rank: this.rank });
    this.berkeley = new BerkeleyRound({
      self: this.name,
      firstRound: init.firstRound,
      rttSecondsMax: init.config.rttSecondsMax,
      roundIntervalMs: init.config.roundIntervalMs,
    });
    this.replica = new ReplicaState({
      self: this.name,
      vector: init.storage.vector(),
    });
    this.planner = new CatchupPlanner({
      self: this.name,
      local: this.replica,
      vectorPollIntervalMs: init.config.vectorPollIntervalMs,
      pageLimit: init.config.pageLimit,
      fetchTimeoutMs: init.config.fetchTimeoutMs,
    });
    this.#nextHeartbeatMs = host.nowMs() + init.heartbeatPhaseMs;
  }

  /** Registers with the reference and starts the machines. */
  start(): void {
    const now = this.#host.nowMs();
    const peers = this.#host.heartbeat(this.name);
    this.#election(this.election.step({ type: "start", nowMs: now, peers }));
    this.#peers(peers);
  }

  /** Timers: heartbeat and list, machine ticks, request timeouts. */
  tick(): void {
    const now = this.#host.nowMs();
    if (now >= this.#nextHeartbeatMs) {
      this.#nextHeartbeatMs = now + this.#config.heartbeatIntervalMs;
      const peers = this.#host.heartbeat(this.name);
      this.#election(this.election.step({ type: "peers", nowMs: now, peers }));
      this.#peers(peers);
    }
    this.#election(this.election.step({ type: "tick", nowMs: now }));
    if (this.election.isCoordinator) {
      this.#berkeley(
        this.berkeley.step({
          type: "tick",
          nowMs: now,
          readingSeconds: this.clock.now(),
        }),
      );
    }
    this.#catchup(this.planner.step({ type: "tick", nowMs: now }));
    for (const [rpc, request] of this.#syncRequests) {
      if (now < request.deadlineMs) continue;
      this.#syncRequests.delete(rpc);
      this.#election(this.election.step({
        type: "coordinator_unreachable",
        nowMs: now,
        name: request.to,
      }));
    }
  }

  /** A client request that changes state: one new local record. */
  write<K extends RecordOp>(op: K, data: RecordData[K]): ChatRecord {
    const record = this.replica.nextLocal(
      op,
      data,
      this.#lamport.tick(),
      this.clock.now(),
    );
    this.#persist([record]);
    this.#host.publish(this.name, { kind: "replicate", records: [record] });
    for (const action of this.follower.step({ type: "message_handled" })) {
      if (action.type === "request_sync") this.#requestSync();
    }
    return record;
  }

  /** Handles one delivered message. */
  receive(from: string, message: SimMessage): void {
    const now = this.#host.nowMs();
    switch (message.kind) {
      case "election":
        this.#host.send(this.name, from, { kind: "election_ok" });
        this.#election(this.election.step({
          type: "election_request",
          nowMs: now,
          fromRank: message.rank,
        }));
        break;
      case "election_ok":
        this.#election(
          this.election.step({ type: "election_ok", nowMs: now, from }),
        );
        break;
      case "announce":
        this.#election(this.election.step({
          type: "announcement",
          nowMs: now,
          coordinator: message.coordinator,
          rank: message.rank,
        }));
        break;
      case "status":
        this.#host.send(this.name, from, {
          kind: "status_reply",
          coordinator: this.election.coordinator,
        });
        break;
      case "status_reply":
        this.#election(this.election.step({
          type: "status_reply",
          nowMs: now,
          coordinator: message.coordinator,
        }));
        break;
      case "clock":
        this.#host.send(this.name, from, {
          kind: "clock_reply",
          round: message.round,
          rpc: message.rpc,
          time: this.clock.now(),
        });
        // A server's `clock` request without a round asks for a sync.
        if (message.round === undefined && this.election.isCoordinator) {
          this.#requestRound();
        }
        break;
      case "clock_reply":
        if (message.rpc !== undefined) this.#syncRequests.delete(message.rpc);
        if (message.round !== undefined && this.election.isCoordinator) {
          this.#berkeley(this.berkeley.step({
            type: "reply",
            nowMs: now,
            readingSeconds: this.clock.now(),
            from,
            round: message.round,
            timeSeconds: message.time,
          }));
        }
        break;
      case "clock_adjust":
        for (
          const action of this.follower.step({
            type: "adjust",
            from,
            round: message.round,
            adjustSeconds: message.adjust,
            coordinator: this.election.coordinator,
          })
        ) {
          if (action.type !== "apply_adjust") continue;
          this.clock.adjust(action.adjustSeconds);
          this.#host.adjusted(this, `${from}:${message.round}`);
        }
        break;
      case "sync": {
        const list = this.storage.byOrigin.get(message.origin) ?? [];
        this.#host.send(this.name, from, {
          kind: "sync_reply",
          fetchId: message.fetchId,
          records: list.slice(message.after, message.after + message.limit),
          last: list.length,
        });
        break;
      }
      case "sync_reply":
        this.#apply(message.records);
        this.#catchup(this.planner.step({
          type: "page",
          nowMs: now,
          fetchId: message.fetchId,
          last: message.last,
        }));
        break;
      case "sync_state":
        this.#host.send(this.name, from, {
          kind: "sync_state_reply",
          vector: this.replica.vector,
        });
        break;
      case "sync_state_reply":
        this.#catchup(this.planner.step({
          type: "peer_vector",
          nowMs: now,
          peer: from,
          vector: message.vector,
        }));
        break;
      case "replicate": {
        if (from === this.name) break;
        this.#apply(message.records);
        // The publisher holds its own records up to the highest seen.
        const own = message.records.filter((r) => r.origin === from);
        if (own.length > 0) {
          const seq = Math.max(...own.map((r) => r.seq));
          this.#catchup(this.planner.step({
            type: "peer_vector",
            nowMs: now,
            peer: from,
            vector: { [from]: seq },
          }));
        }
        break;
      }
      default: {
        const unknown: never = message;
        void unknown;
      }
    }
  }

  #apply(records: readonly ChatRecord[]): ApplyResult {
    const result = this.replica.applyIncoming(records);
    for (const record of result.persist) this.#lamport.receive(record.clock);
    this.#persist(result.persist);
    return result;
  }

  #persist(records: readonly ChatRecord[]): void {
    for (const record of records) {
      this.storage.append(record);
      this.#host.persisted(this, record);
    }
    this.storage.lamport = this.#lamport.value;
  }

  #requestSync(): void {
    const coordinator = this.election.coordinator;
    const now = this.#host.nowMs();
    if (coordinator === null) return;
    if (coordinator === this.name) {
      this.#requestRound();
      return;
    }
    const rpc = this.#nextRpc++;
    this.#syncRequests.set(rpc, {
      to: coordinator,
      deadlineMs: now + this.#config.requestTimeoutMs,
    });
    this.#host.send(this.name, coordinator, { kind: "clock", rpc });
  }

  #requestRound(): void {
    this.#berkeley(this.berkeley.step({
      type: "request",
      nowMs: this.#host.nowMs(),
      readingSeconds: this.clock.now(),
    }));
  }

  #peers(peers: readonly Peer[]): void {
    const now = this.#host.nowMs();
    const names = peers.map((peer) => peer.name);
    this.#berkeley(this.berkeley.step({ type: "peers", peers: names }));
    this.#catchup(
      this.planner.step({ type: "peers", nowMs: now, peers: names }),
    );
  }

  #election(actions: readonly ElectionAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "send_election":
          this.#host.send(this.name, action.to, {
            kind: "election",
            rank: this.rank,
          });
          break;
        case "announce":
          this.#host.publish(this.name, {
            kind: "announce",
            coordinator: action.coordinator,
            rank: action.rank,
          });
          break;
        case "query_status":
          this.#host.send(this.name, action.to, { kind: "status" });
          break;
        case "coordinator_changed":
          if (action.previous === this.name) {
            this.#berkeley(this.berkeley.step({ type: "cancel" }));
          }
          break;
        default: {
          const unknown: never = action;
          void unknown;
        }
      }
    }
  }

  #berkeley(actions: readonly BerkeleyRoundAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "request_clock":
          this.#host.send(this.name, action.to, {
            kind: "clock",
            round: action.round,
          });
          break;
        case "send_adjust":
          this.#host.send(this.name, action.to, {
            kind: "clock_adjust",
            round: action.round,
            adjust: action.adjustSeconds,
          });
          break;
        case "adjust_self":
          this.clock.adjust(action.adjustSeconds);
          this.#host.adjusted(this, `${this.name}:${action.round}`);
          break;
        case "round_done":
          break;
        default: {
          const unknown: never = action;
          void unknown;
        }
      }
    }
  }

  #catchup(actions: readonly CatchupAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "query_vector":
          this.#host.send(this.name, action.to, { kind: "sync_state" });
          break;
        case "fetch":
          this.#host.send(this.name, action.to, {
            kind: "sync",
            fetchId: action.fetchId,
            origin: action.origin,
            after: action.after,
            limit: action.limit,
          });
          break;
        default: {
          const unknown: never = action;
          void unknown;
        }
      }
    }
  }
}
