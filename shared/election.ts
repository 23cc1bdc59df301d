/**
 * Bully election of the coordinator: a state machine with no I/O.
 *
 * Every server has a rank from the reference; the **lowest rank has the
 * highest priority**, and among live servers it should be the coordinator.
 * The server feeds inputs (time, the reference's list, requests and
 * publications received, request failures) to {@link Election.step}, which
 * returns the actions to perform. Nothing here reads a clock or a socket.
 *
 * ## Phases
 *
 * - **discovering** (after `start`, when a live peer outranks us): ask every
 *   peer its `status` (`query_status`) and listen for announcements. A claim
 *   naming a server that outranks us is accepted; one naming a server we
 *   outrank starts an election. With no coordinator learned within
 *   `startupWaitMs`, start an election. With no peer outranking us, `start`
 *   goes straight to an election (a returning top server takes over).
 * - **electing**: `send_election` went to every live peer that outranks us.
 *   An `election_ok` moves to **awaiting**. With no OK within
 *   `electionReplyTimeoutMs` we win: become coordinator and `announce`.
 *   With no peer to ask we win at once.
 * - **awaiting**: someone higher answered OK and runs its own election; its
 *   announcement should follow. Without one within `announcementTimeoutMs`,
 *   ask the higher servers' `status` and start the election again (a reply
 *   naming one of them as coordinator ends it).
 * - **idle**: a coordinator is known. The coordinator repeats `announce`
 *   every `announceIntervalMs`. Anyone else expects those announcements:
 *   after 1.5 intervals without one it asks the coordinator's `status`
 *   (every half interval), and an answer that it still is renews the lease
 *   like an announcement; announcements travel through the proxy, and a
 *   proxy outage must not cost the cluster its coordinator. Neither for
 *   `coordinatorLeaseMs` means the coordinator is dead.
 *
 * ## Detecting a dead coordinator
 *
 * Any of: the lease above expires; the server reports a failed request to
 * it (`coordinator_unreachable`, e.g. a `clock` request timed out); it left
 * the reference's list (`peers`) and has not announced itself for two
 * announcement intervals (a list may be stale: polled before the
 * coordinator registered, or just after the reference restarted and before
 * everyone's next heartbeat). The belief is cleared (`coordinator_changed`
 * to null) and an election starts.
 *
 * ## Claims (announcements on `servers`, `status` replies)
 *
 * - From a server that outranks us: accepted (a coordinator steps down),
 *   unless our current coordinator is alive (lease fresh) and outranks the
 *   claimant: then our coordinator will overrule it (it hears the same
 *   announcement).
 * - From a server we outrank: if we are the coordinator we announce again at
 *   once; otherwise, unless a live coordinator outranking the claimant is
 *   known, we start an election (which we, or someone higher, will win).
 * - `status` replies inform a server that has no coordinator yet, and
 *   renew the lease when the coordinator itself answers that it is one.
 * - A coordinator with a higher server in the list asks that server's
 *   `status` every two announcement intervals, and steps down when it
 *   answers that it is the coordinator: a top server that returns during a
 *   proxy outage wins at once, and its announcements, which would make the
 *   old coordinator step down, are lost with the proxy. (Its followers
 *   then stop hearing that it still is, so their lease runs out and they
 *   elect; the higher servers' `status` replies settle it.)
 *
 * ## Replayed announcements
 *
 * A signed announcement stays valid for a while (the server checks its
 * timestamp against a freshness window, 60 s): captured and replayed, a
 * dead coordinator's announcement would renew its lease, and a live
 * coordinator outranking the claimant blocks the new coordinator's
 * announcements. So the server passes the announcement's signed Lamport
 * `clock` (only when the signature checked out), and per claimant an
 * announcement whose `clock` is not greater than the last one seen from it
 * is ignored entirely. The Lamport clock, not the timestamp, orders them:
 * it strictly increases with every announcement and across restarts
 * (durable), while Berkeley may move the physical clock back. Once a
 * claimant has been heard signed, its unsigned announcements are ignored
 * too (ours always sign; stripping the signature must not reopen the
 * replay; the chat server goes further and passes only signed ones). The
 * memory of a claimant lapses `claimMemoryMs` (default 120 s, twice the
 * freshness window) after its last newer announcement:
 * by then everything it sent before is refused as stale by the freshness
 * check anyway, so a server whose Lamport clock was lost with its data
 * directory is not ignored forever (in practice it catches up sooner:
 * receiving the others' signed announcements moves its clock past theirs,
 * which are past its old ones).
 *
 * Receiving `election` (the server always answers `election: "OK"`
 * itself): if the sender is outranked by us (or unknown, e.g. a course
 * client), the coordinator announces again at once (it would win its own
 * election anyway, and this is faster), and anyone else starts an election
 * unless one is running.
 *
 * ## Timing budget (defaults)
 *
 * Announce every 500 ms, lease 1 500 ms (a lost announcement is
 * tolerated; two in a row cost a harmless election, which the live
 * coordinator ends by announcing again), election reply timeout 500 ms,
 * announcement timeout 1 000 ms. After the coordinator dies the lease
 * expires within ~1.5 s (sooner on a failed request), the highest live
 * server's election waits 500 ms for OKs that cannot come (the dead server
 * may still be listed for 3 s), and its announcement reaches everyone:
 * ~2 s plus delivery, inside the 3 s requirement with room for one lost
 * message (each loss costs at most one announcement interval). Two servers
 * may both believe they are coordinator only until one hears the other's
 * announcement.
 *
 * @example
 * ```ts
 * import { Election } from "@agora/shared/election";
 * const election = new Election({ name: "server_2", rank: 2 });
 * election.step({ type: "start", nowMs: 0, peers: [{ name: "server_1", rank: 1 }] });
 * // → [{ type: "query_status", to: "server_1" }]
 * election.step({ type: "announcement", nowMs: 40, coordinator: "server_1", rank: 1 });
 * // → [{ type: "coordinator_changed", coordinator: "server_1", previous: null }]
 * ```
 *
 * @module
 */

/** A live server as the reference lists it. */
export interface Peer {
  /** Server name. */
  name: string;
  /** Its rank; lower ranks have higher priority. */
  rank: number;
}

/** Timeouts of {@link Election}, ms. */
export interface ElectionTimings {
  /** Coordinator repeats its announcement this often (default 500). */
  announceIntervalMs: number;
  /** No announcement for this long: coordinator is dead (default 1 500). */
  coordinatorLeaseMs: number;
  /** Wait this long for an `election` OK (default 500). */
  electionReplyTimeoutMs: number;
  /** After an OK, wait this long for the announcement (default 1 000). */
  announcementTimeoutMs: number;
  /** After start, wait this long to learn the coordinator (default 1 000). */
  startupWaitMs: number;
  /**
   * Remember a claimant's last signed announcement clock this long after
   * it was heard (default 120 000: twice the 60 s freshness window of a
   * signed announcement; see "Replayed announcements").
   */
  claimMemoryMs: number;
}

/** Default timeouts (see the module documentation for the budget). */
export const ELECTION_TIMINGS: Readonly<ElectionTimings> = Object.freeze({
  announceIntervalMs: 500,
  coordinatorLeaseMs: 1_500,
  electionReplyTimeoutMs: 500,
  announcementTimeoutMs: 1_000,
  startupWaitMs: 1_000,
  claimMemoryMs: 120_000,
});

/** Configuration of {@link Election}. */
export interface ElectionOptions {
  /** This server's name. */
  name: string;
  /** This server's rank from the reference. */
  rank: number;
  /** Timeouts; missing ones take {@link ELECTION_TIMINGS}. */
  timings?: Partial<ElectionTimings>;
}

/** What the server tells the election. `nowMs` is a monotonic time. */
export type ElectionInput =
  /** First input: the reference's list (it may include this server). */
  | { type: "start"; nowMs: number; peers: readonly Peer[] }
  /** Time passes (call every few tens of ms). */
  | { type: "tick"; nowMs: number }
  /** A fresh reference list. */
  | { type: "peers"; nowMs: number; peers: readonly Peer[] }
  /** An `election` request arrived; `fromRank` when the sender said. */
  | { type: "election_request"; nowMs: number; fromRank?: number }
  /** A peer answered our `election` with OK. */
  | { type: "election_ok"; nowMs: number; from: string }
  /**
   * `{service:"election", data:{coordinator, rank?}}` on topic `servers`;
   * `clock`: its Lamport clock, only when its signature checked out.
   */
  | {
    type: "announcement";
    nowMs: number;
    coordinator: string;
    rank?: number;
    clock?: number;
  }
  /** A peer (`from`, when known) answered `status` naming its coordinator. */
  | {
    type: "status_reply";
    nowMs: number;
    coordinator: string | null;
    from?: string;
  }
  /** A request to `name` (believed coordinator) failed. */
  | { type: "coordinator_unreachable"; nowMs: number; name: string };

/** What the election asks the server to do. */
export type ElectionAction =
  /** Send an `election` request (with our `rank` and `name`) to `to`. */
  | { type: "send_election"; to: string }
  /** Publish `{coordinator, rank}` on topic `servers`. */
  | { type: "announce"; coordinator: string; rank: number }
  /** Ask `to` for its `status`; step the reply as `status_reply`. */
  | { type: "query_status"; to: string }
  /** The believed coordinator changed (null: none known right now). */
  | {
    type: "coordinator_changed";
    coordinator: string | null;
    previous: string | null;
  };

/** Where the election stands. */
export type ElectionPhase =
  | "stopped"
  | "discovering"
  | "electing"
  | "awaiting"
  | "idle";

/** Bully election for one server (see the module documentation). */
export class Election {
  /** This server's name. */
  readonly name: string;
  /** This server's rank. */
  readonly rank: number;
  readonly #timings: ElectionTimings;
  #peers = new Map<string, number>();
  #phase: ElectionPhase = "stopped";
  #coordinator: string | null = null;
  #coordinatorRank: number | undefined;
  #coordinatorHeardAtMs = -Infinity;
  #deadlineMs = Infinity;
  #nextAnnounceAtMs = Infinity;
  /** Earliest time for the next lease probe (see `#tick`). */
  #nextProbeAtMs = -Infinity;
  #nextHigherProbeAtMs = -Infinity;
  #nowMs = -Infinity;
  #elections = 0;
  /** Per claimant: the greatest signed clock heard, and when. */
  #claims = new Map<string, { clock: number; heardAtMs: number }>();

  /** Creates a stopped election; the first input must be `start`. */
  constructor(options: ElectionOptions) {
    this.name = options.name;
    this.rank = options.rank;
    this.#timings = { ...ELECTION_TIMINGS, ...options.timings };
  }

  /** The believed coordinator, or null while none is known. */
  get coordinator(): string | null {
    return this.#coordinator;
  }

  /** True when this server believes it is the coordinator. */
  get isCoordinator(): boolean {
    return this.#coordinator === this.name;
  }

  /** The current phase. */
  get phase(): ElectionPhase {
    return this.#phase;
  }

  /** How many elections this server has started (for status and tests). */
  get electionsStarted(): number {
    return this.#elections;
  }

  /** Feeds one input; returns what to do, in order. */
  step(input: ElectionInput): ElectionAction[] {
    if (!Number.isFinite(input.nowMs)) return [];
    // Time never goes backwards here, whatever the caller passes.
    const nowMs = Math.max(this.#nowMs, input.nowMs);
    this.#nowMs = nowMs;
    if (this.#phase === "stopped" && input.type !== "start") return [];
    switch (input.type) {
      case "start":
        return this.#start(nowMs, input.peers);
      case "tick":
        return this.#tick(nowMs);
      case "peers":
        return this.#onPeers(nowMs, input.peers);
      case "election_request":
        return this.#onElectionRequest(nowMs, input.fromRank);
      case "election_ok":
        return this.#onElectionOk(nowMs, input.from);
      case "announcement":
        return this.#onAnnouncement(
          nowMs,
          input.coordinator,
          input.rank,
          input.clock,
        );
      case "status_reply":
        return this.#onStatusReply(nowMs, input.coordinator, input.from);
      case "coordinator_unreachable":
        return input.name === this.#coordinator && !this.isCoordinator
          ? this.#coordinatorLost(nowMs)
          : [];
      default: {
        const unknown: never = input;
        void unknown;
        return [];
      }
    }
  }

  #start(nowMs: number, peers: readonly Peer[]): ElectionAction[] {
    if (this.#phase !== "stopped") return [];
    this.#setPeers(peers);
    if (this.#higherPeers().length === 0) return this.#startElection(nowMs);
    this.#phase = "discovering";
    this.#deadlineMs = nowMs + this.#timings.startupWaitMs;
    return [...this.#peers.keys()].map((to) => ({ type: "query_status", to }));
  }

  #tick(nowMs: number): ElectionAction[] {
    const actions: ElectionAction[] = [];
    const coordinator = this.#coordinator;
    if (
      coordinator !== null && !this.isCoordinator &&
      nowMs - this.#coordinatorHeardAtMs > this.#timings.coordinatorLeaseMs
    ) {
      if (this.#phase === "idle") return this.#coordinatorLost(nowMs);
      // An election is already under way: only forget the dead coordinator.
      actions.push(...this.#setCoordinator(null));
    } else if (
      coordinator !== null && !this.isCoordinator && this.#phase === "idle" &&
      nowMs - this.#coordinatorHeardAtMs >
        1.5 * this.#timings.announceIntervalMs &&
      nowMs >= this.#nextProbeAtMs
    ) {
      // Announcements travel through the proxy; with it down (or a lost
      // one) ask the coordinator itself before the lease runs out: its
      // answer renews the lease (see `#onStatusReply`).
      this.#nextProbeAtMs = nowMs + this.#timings.announceIntervalMs / 2;
      actions.push({ type: "query_status", to: coordinator });
    }
    if (this.isCoordinator && nowMs >= this.#nextHigherProbeAtMs) {
      // A higher server listed while we coordinate: it may have come back
      // and won (it wins at once when nobody outranks it) while its
      // announcements are lost with the proxy. Ask it directly; a reply
      // that it is the coordinator makes us step down (`#onStatusReply`).
      this.#nextHigherProbeAtMs = nowMs + 2 * this.#timings.announceIntervalMs;
      for (const to of this.#higherPeers()) {
        actions.push({ type: "query_status", to });
      }
    }
    if (nowMs < this.#deadlineMs) {
      if (this.isCoordinator && nowMs >= this.#nextAnnounceAtMs) {
        actions.push(this.#announce(nowMs));
      }
      return actions;
    }
    switch (this.#phase) {
      case "discovering":
        return [...actions, ...this.#startElection(nowMs)];
      case "awaiting":
        // Someone higher said OK, but its announcement never came (lost,
        // or no proxy to carry it): ask the higher servers whom they follow
        // while electing again; the first answer naming one of them ends
        // it (see `#onStatusReply`).
        return [
          ...actions,
          ...this.#higherPeers().map((to): ElectionAction => ({
            type: "query_status",
            to,
          })),
          ...this.#startElection(nowMs),
        ];
      case "electing":
        return [...actions, ...this.#becomeCoordinator(nowMs)];
      default:
        return actions;
    }
  }

  #onPeers(nowMs: number, peers: readonly Peer[]): ElectionAction[] {
    this.#setPeers(peers);
    const coordinator = this.#coordinator;
    if (
      coordinator === null || this.isCoordinator || this.#peers.has(coordinator)
    ) {
      return [];
    }
    // A list can be stale (polled before the coordinator registered, or
    // right after the reference restarted): a coordinator heard from
    // recently is alive whatever the list says.
    const silentMs = nowMs - this.#coordinatorHeardAtMs;
    return silentMs > 2 * this.#timings.announceIntervalMs
      ? this.#coordinatorLost(nowMs)
      : [];
  }

  #onElectionRequest(nowMs: number, fromRank?: number): ElectionAction[] {
    // A sender that outranks us has stale information; it will sort itself out.
    if (fromRank !== undefined && Number.isFinite(fromRank)) {
      if (fromRank <= this.rank) return [];
    }
    if (this.isCoordinator) return [this.#announce(nowMs)];
    return this.#electUnlessRunning(nowMs);
  }

  #onElectionOk(nowMs: number, from: string): ElectionAction[] {
    if (this.#phase !== "electing") return [];
    const fromRank = this.#peers.get(from);
    if (fromRank !== undefined && fromRank >= this.rank) return [];
    this.#phase = "awaiting";
    this.#deadlineMs = nowMs + this.#timings.announcementTimeoutMs;
    return [];
  }

  #onAnnouncement(
    nowMs: number,
    claimant: string,
    announcedRank?: number,
    clock?: number,
  ): ElectionAction[] {
    // Our own announcement comes back to us through the proxy.
    if (claimant === this.name) return [];
    if (!this.#newClaim(nowMs, claimant, clock)) return [];
    const rank = announcedRank !== undefined && Number.isFinite(announcedRank)
      ? announcedRank
      : this.#peers.get(claimant);
    if (this.isCoordinator) {
      // An unknown rank is compared by the claimant: ours is in the reply.
      return rank !== undefined && rank < this.rank
        ? this.#accept(nowMs, claimant, rank)
        : [this.#announce(nowMs)];
    }
    if (rank === undefined) {
      // Not in our list yet: good enough only when we know nobody alive.
      return this.#coordinator === null || !this.#leaseFresh(nowMs)
        ? this.#accept(nowMs, claimant, undefined)
        : [];
    }
    if (claimant === this.#coordinator) {
      return rank < this.rank
        ? this.#accept(nowMs, claimant, rank)
        : this.#electUnlessRunning(nowMs);
    }
    const currentRank = this.#coordinatorRank;
    if (
      currentRank !== undefined && currentRank < rank && this.#leaseFresh(nowMs)
    ) {
      // A live coordinator outranks the claimant and will overrule it.
      return [];
    }
    if (rank < this.rank) return this.#accept(nowMs, claimant, rank);
    return this.#electUnlessRunning(nowMs);
  }

  /**
   * Whether an announcement from `claimant` is news (see "Replayed
   * announcements"); remembers a newer signed `clock`.
   */
  #newClaim(nowMs: number, claimant: string, clock?: number): boolean {
    let last = this.#claims.get(claimant);
    if (
      last !== undefined &&
      nowMs - last.heardAtMs > this.#timings.claimMemoryMs
    ) {
      this.#claims.delete(claimant);
      last = undefined;
    }
    if (clock === undefined || !Number.isFinite(clock)) {
      return last === undefined;
    }
    if (last !== undefined && clock <= last.clock) return false;
    this.#claims.set(claimant, { clock, heardAtMs: nowMs });
    return true;
  }

  #onStatusReply(
    nowMs: number,
    claimant: string | null,
    from?: string,
  ): ElectionAction[] {
    if (claimant === null || claimant === this.name) return [];
    if (this.isCoordinator && from !== undefined && claimant === from) {
      // A higher server answered that it coordinates: bully, it wins.
      const rank = this.#peers.get(from);
      if (rank !== undefined && rank < this.rank) {
        return this.#accept(nowMs, from, rank);
      }
      return [];
    }
    if (this.#coordinator !== null) {
      // Our coordinator answered that it still is: as good as hearing its
      // announcement.
      if (
        from === this.#coordinator && claimant === from && !this.isCoordinator
      ) {
        this.#coordinatorHeardAtMs = nowMs;
      }
      return [];
    }
    const rank = this.#peers.get(claimant);
    if (rank === undefined) return [];
    if (rank < this.rank) return this.#accept(nowMs, claimant, rank);
    return this.#electUnlessRunning(nowMs);
  }

  #coordinatorLost(nowMs: number): ElectionAction[] {
    return [...this.#setCoordinator(null), ...this.#electUnlessRunning(nowMs)];
  }

  #electUnlessRunning(nowMs: number): ElectionAction[] {
    if (this.#phase === "electing" || this.#phase === "awaiting") return [];
    return this.#startElection(nowMs);
  }

  #startElection(nowMs: number): ElectionAction[] {
    this.#elections += 1;
    const higher = this.#higherPeers();
    if (higher.length === 0) return this.#becomeCoordinator(nowMs);
    this.#phase = "electing";
    this.#deadlineMs = nowMs + this.#timings.electionReplyTimeoutMs;
    return higher.map((to) => ({ type: "send_election", to }));
  }

  #becomeCoordinator(nowMs: number): ElectionAction[] {
    this.#phase = "idle";
    this.#deadlineMs = Infinity;
    this.#coordinatorRank = this.rank;
    return [...this.#setCoordinator(this.name), this.#announce(nowMs)];
  }

  #accept(
    nowMs: number,
    claimant: string,
    rank: number | undefined,
  ): ElectionAction[] {
    this.#phase = "idle";
    this.#deadlineMs = Infinity;
    this.#coordinatorHeardAtMs = nowMs;
    this.#coordinatorRank = rank;
    return this.#setCoordinator(claimant);
  }

  #announce(nowMs: number): ElectionAction {
    this.#nextAnnounceAtMs = nowMs + this.#timings.announceIntervalMs;
    return { type: "announce", coordinator: this.name, rank: this.rank };
  }

  #setCoordinator(coordinator: string | null): ElectionAction[] {
    const previous = this.#coordinator;
    if (previous === coordinator) return [];
    this.#coordinator = coordinator;
    if (coordinator === null) this.#coordinatorRank = undefined;
    if (coordinator !== this.name) this.#nextAnnounceAtMs = Infinity;
    return [{ type: "coordinator_changed", coordinator, previous }];
  }

  #leaseFresh(nowMs: number): boolean {
    return nowMs - this.#coordinatorHeardAtMs <=
      this.#timings.coordinatorLeaseMs;
  }

  #setPeers(peers: readonly Peer[]): void {
    this.#peers = new Map();
    for (const peer of peers) {
      if (peer.name === this.name || !Number.isFinite(peer.rank)) continue;
      this.#peers.set(peer.name, peer.rank);
    }
  }

  #higherPeers(): string[] {
    return [...this.#peers].filter(([, rank]) => rank < this.rank).map((
      [name],
    ) => name);
  }
}
