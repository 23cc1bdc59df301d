/**
 * A simulated network for tests: delivers messages between named nodes with
 * seeded randomness — loss, duplication, reordering, delay — and
 * partitions that heal. No real time: the caller passes the simulated time
 * and asks for the messages due.
 *
 * - Each send draws a delay uniform in `[delayMsMin, delayMsMax]`; with
 *   probability `reorderRate` an extra delay up to `reorderDelayMsMax`
 *   lets later messages overtake it. Messages due at the same time come out
 *   in send order.
 * - With probability `lossRate` a message is dropped; with
 *   `duplicateRate` a second copy is delivered after its own delay.
 * - `partition(groups)` cuts every link between different groups (a node in
 *   no group is cut from everyone); `heal()` restores them. A message is
 *   lost if its link is cut when it is sent or when it is due.
 * - `setDown(node)` drops everything to and from that node (a dead
 *   process); `setUp(node)` brings it back with an empty inbox.
 * - A node may send to itself (a publication the sender also receives).
 *
 * @example
 * ```ts
 * import { Prng } from "@agora/shared/testing/prng";
 * import { SimNetwork } from "@agora/shared/testing/sim_network";
 * const net = new SimNetwork<string>(new Prng(7), { lossRate: 0.1 });
 * net.send(0, "a", "b", "hello");
 * for (const d of net.deliverDue(net.nextDueMs() ?? 0)) console.log(d.to, d.message);
 * ```
 *
 * @module
 */

import type { Prng } from "./prng.ts";

/** Fault and delay settings of a {@link SimNetwork}. */
export interface SimNetworkOptions {
  /** Shortest delivery delay, ms (default 1). */
  delayMsMin: number;
  /** Longest delivery delay, ms (default 5). */
  delayMsMax: number;
  /** Probability a message is lost (default 0). */
  lossRate: number;
  /** Probability a message is delivered twice (default 0). */
  duplicateRate: number;
  /** Probability a message is held back to be overtaken (default 0). */
  reorderRate: number;
  /** Longest extra delay of a held-back message, ms (default 50). */
  reorderDelayMsMax: number;
  /** Most messages in flight; sends beyond it are lost (default 100 000). */
  inFlightMax: number;
}

/** Default settings: a fast, reliable network. */
export const SIM_NETWORK_DEFAULTS: Readonly<SimNetworkOptions> = Object.freeze({
  delayMsMin: 1,
  delayMsMax: 5,
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMsMax: 50,
  inFlightMax: 100_000,
});

/** A message handed to its destination. */
export interface Delivery<M> {
  /** Sender. */
  from: string;
  /** Receiver. */
  to: string;
  /** The message (the same object for every copy). */
  message: M;
  /** When it was sent, ms. */
  sentAtMs: number;
  /** When it is delivered, ms. */
  atMs: number;
}

/** What happened to messages so far. */
export interface SimNetworkStats {
  /** Messages given to `send`. */
  sent: number;
  /** Copies handed to receivers. */
  delivered: number;
  /** Messages dropped by random loss. */
  lost: number;
  /** Extra copies created. */
  duplicated: number;
  /** Messages dropped by a partition, a down node or a full network. */
  cut: number;
}

interface InFlight<M> extends Delivery<M> {
  order: number;
}

/** A seeded simulated network (see the module documentation). */
export class SimNetwork<M> {
  /** Current settings; change them between steps to vary conditions. */
  options: SimNetworkOptions;
  readonly #prng: Prng;
  #queue: InFlight<M>[] = [];
  #order = 0;
  #groups: Map<string, number> | null = null;
  readonly #down = new Set<string>();
  readonly #stats: SimNetworkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    cut: 0,
  };

  /** Creates a network drawing all its randomness from `prng`. */
  constructor(prng: Prng, options: Partial<SimNetworkOptions> = {}) {
    this.#prng = prng;
    this.options = { ...SIM_NETWORK_DEFAULTS, ...options };
  }

  /** A copy of the counters. */
  get stats(): SimNetworkStats {
    return { ...this.#stats };
  }

  /** Messages in flight. */
  get inFlight(): number {
    return this.#queue.length;
  }

  /** Sends `message` from `from` to `to` at simulated time `nowMs`. */
  send(nowMs: number, from: string, to: string, message: M): void {
    this.#stats.sent += 1;
    if (!this.linked(from, to)) {
      this.#stats.cut += 1;
      return;
    }
    if (this.#prng.chance(this.options.lossRate)) {
      this.#stats.lost += 1;
      return;
    }
    this.#enqueue(nowMs, from, to, message);
    if (this.#prng.chance(this.options.duplicateRate)) {
      this.#stats.duplicated += 1;
      this.#enqueue(nowMs, from, to, message);
    }
  }

  /** When the next message is due, or undefined when none is in flight. */
  nextDueMs(): number | undefined {
    return this.#queue[0]?.atMs;
  }

  /**
   * Removes and returns the messages due at or before `nowMs`, in delivery
   * order, dropping those whose link is cut or whose receiver is down.
   */
  deliverDue(nowMs: number): Delivery<M>[] {
    const due: Delivery<M>[] = [];
    while (this.#queue.length > 0 && this.#queue[0].atMs <= nowMs) {
      const next = this.#queue.shift() as InFlight<M>;
      if (!this.linked(next.from, next.to)) {
        this.#stats.cut += 1;
        continue;
      }
      this.#stats.delivered += 1;
      const { from, to, message, sentAtMs, atMs } = next;
      due.push({ from, to, message, sentAtMs, atMs });
    }
    return due;
  }

  /** Cuts every link between different groups. */
  partition(groups: readonly (readonly string[])[]): void {
    this.#groups = new Map();
    groups.forEach((group, index) => {
      for (const node of group) this.#groups?.set(node, index);
    });
  }

  /** Restores every link cut by {@link partition}. */
  heal(): void {
    this.#groups = null;
  }

  /** True while a partition is in force. */
  get partitioned(): boolean {
    return this.#groups !== null;
  }

  /** Marks a node dead: nothing reaches it or leaves it. */
  setDown(node: string): void {
    this.#down.add(node);
    this.#queue = this.#queue.filter((m) => m.to !== node && m.from !== node);
  }

  /** Brings a node back (its inbox starts empty). */
  setUp(node: string): void {
    this.#down.delete(node);
  }

  /** Whether a message from `from` to `to` would get through right now. */
  linked(from: string, to: string): boolean {
    if (this.#down.has(from) || this.#down.has(to)) return false;
    if (this.#groups === null || from === to) return true;
    const a = this.#groups.get(from);
    return a !== undefined && a === this.#groups.get(to);
  }

  #enqueue(nowMs: number, from: string, to: string, message: M): void {
    if (this.#queue.length >= this.options.inFlightMax) {
      this.#stats.cut += 1;
      return;
    }
    const { delayMsMin, delayMsMax, reorderRate, reorderDelayMsMax } =
      this.options;
    let delayMs = this.#prng.float(delayMsMin, delayMsMax);
    if (this.#prng.chance(reorderRate)) {
      delayMs += this.#prng.float(0, reorderDelayMsMax);
    }
    const item: InFlight<M> = {
      from,
      to,
      message,
      sentAtMs: nowMs,
      atMs: nowMs + delayMs,
      order: this.#order++,
    };
    // Sorted insert by (atMs, order): a binary search keeps sends cheap.
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.#queue[middle];
      if (
        other.atMs < item.atMs ||
        (other.atMs === item.atMs && other.order < item.order)
      ) low = middle + 1;
      else high = middle;
    }
    this.#queue.splice(low, 0, item);
  }
}
