/**
 * The reference service's registry of servers: stable ranks, addresses and
 * heartbeats. Pure: time comes in as `nowMs`, persistence goes out through
 * {@link Registry.snapshot} whenever {@link Registry.dirty} says the rank
 * table changed.
 *
 * Ranks are handed out 1, 2, 3… in order of first registration and never
 * reused, so a name keeps its rank for the life of the cluster.
 *
 * @module
 */

/** A server as the reference knows it. */
export interface ServerEntry {
  /** The server's name (its `user` field in requests). */
  name: string;
  /** Its stable rank; lower is higher priority. */
  rank: number;
  /** Where its REP/ROUTER socket can be reached, if it said so. */
  address?: string;
  /** Where its CURVE peer socket can be reached, if it has one (extension). */
  peer_address?: string;
}

/** What is persisted: the rank table, which must survive restarts. */
export interface RegistrySnapshot {
  /** Every name ever registered, with its rank and last known address. */
  servers: ServerEntry[];
}

/** Options for a {@link Registry}. */
export interface RegistryOptions {
  /** A server whose last heartbeat is older than this drops out of `list`. */
  heartbeatTimeoutMs: number;
}

/** Ranks, addresses and liveness of the cluster's servers. */
export class Registry {
  readonly #timeoutMs: number;
  readonly #servers = new Map<string, ServerEntry>();
  readonly #lastSeenMs = new Map<string, number>();
  #nextRank = 1;
  #dirty = false;

  /** Builds a registry, restoring ranks from a snapshot if given. */
  constructor(options: RegistryOptions, snapshot?: RegistrySnapshot) {
    if (!(options.heartbeatTimeoutMs > 0)) {
      throw new RangeError(
        `Heartbeat timeout must be positive, got ${options.heartbeatTimeoutMs}`,
      );
    }
    this.#timeoutMs = options.heartbeatTimeoutMs;
    for (const entry of snapshot?.servers ?? []) {
      if (!Number.isSafeInteger(entry.rank) || entry.rank < 1) continue;
      const restored = { ...entry };
      // The rank table file checks `address` only; a bad peer address would
      // make every `list` unreadable.
      if (typeof restored.peer_address !== "string") {
        delete restored.peer_address;
      }
      this.#servers.set(entry.name, restored);
      this.#nextRank = Math.max(this.#nextRank, entry.rank + 1);
    }
  }

  /**
   * Registers `name` (or finds it) and returns its rank; a registration
   * counts as a heartbeat. A new address (or peer address) replaces the
   * old one.
   */
  rank(
    name: string,
    nowMs: number,
    address?: string,
    peerAddress?: string,
  ): number {
    const entry = this.#register(name, address, peerAddress);
    this.#lastSeenMs.set(name, nowMs);
    return entry.rank;
  }

  /**
   * Records a heartbeat. A name the registry does not know (for example
   * after the reference lost its memory) is registered again — with its old
   * rank when the persisted table has it. Returns the rank.
   */
  heartbeat(
    name: string,
    nowMs: number,
    address?: string,
    peerAddress?: string,
  ): number {
    return this.rank(name, nowMs, address, peerAddress);
  }

  /** The servers whose heartbeat is current, by rank. */
  list(nowMs: number): ServerEntry[] {
    const live: ServerEntry[] = [];
    for (const entry of this.#servers.values()) {
      const seen = this.#lastSeenMs.get(entry.name);
      if (seen !== undefined && nowMs - seen <= this.#timeoutMs) {
        live.push({ ...entry });
      }
    }
    return live.sort((a, b) => a.rank - b.rank);
  }

  /** Every server ever registered (live or not), by rank. */
  all(): ServerEntry[] {
    return [...this.#servers.values()].map((e) => ({ ...e }))
      .sort((a, b) => a.rank - b.rank);
  }

  /** Milliseconds since `name`'s last heartbeat, or undefined if never. */
  sinceLastHeartbeatMs(name: string, nowMs: number): number | undefined {
    const seen = this.#lastSeenMs.get(name);
    return seen === undefined ? undefined : nowMs - seen;
  }

  /** True when the rank table changed since the last {@link snapshot}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** The rank table to persist; clears {@link dirty}. */
  snapshot(): RegistrySnapshot {
    this.#dirty = false;
    return { servers: this.all() };
  }

  #register(
    name: string,
    address?: string,
    peerAddress?: string,
  ): ServerEntry {
    let entry = this.#servers.get(name);
    if (entry === undefined) {
      entry = { name, rank: this.#nextRank++ };
      if (address !== undefined) entry.address = address;
      if (peerAddress !== undefined) entry.peer_address = peerAddress;
      this.#servers.set(name, entry);
      this.#dirty = true;
      return entry;
    }
    if (address !== undefined && entry.address !== address) {
      entry.address = address;
      this.#dirty = true;
    }
    if (peerAddress !== undefined && entry.peer_address !== peerAddress) {
      entry.peer_address = peerAddress;
      this.#dirty = true;
    }
    return entry;
  }
}
