/**
 * One watcher of the cluster shared by every open dashboard: it listens to
 * cluster events and polls `Cluster.status()`, keeping recent events and
 * offset samples for a new viewer and buffering both for the open
 * dashboards' streams.
 *
 * - **When it runs.** While at least one browser watches, it polls every
 *   `statusIntervalMs`. With `idleIntervalMs` > 0 and {@linkcode
 *   DashboardHub.watch} called, it also keeps watching while nobody does,
 *   polling every `idleIntervalMs`, until {@linkcode DashboardHub.close}: a
 *   server that stops, or an election, while no page is open is then
 *   noticed when it happens (and stamped so), kept, and shown to whoever
 *   opens a page later — instead of being lost, or noticed by the poll of
 *   the next page to open and stamped with that moment. With
 *   `idleIntervalMs` 0 it does nothing at all with no viewer (no timer, no
 *   subscription), and the feed only knows what happened while watched.
 * - **Each event once.** Every event gets an id (1, 2, 3…) when the hub
 *   receives it; the same event delivered twice (same kind, subject and
 *   time) is kept once. Browsers dedupe on the id, so an event in both a
 *   snapshot and the stream, or in two snapshots, is shown once.
 * - **In the order things happened.** Events are kept sorted by their own
 *   `timestamp` (then by id), not by arrival: one poll reports an up at the
 *   poll's time together with a catch-up its server logged seconds before,
 *   and a ring event may arrive after a later announcement.
 * - **Rare events stay.** When full, the oldest event of the commonest
 *   kind is dropped (the rule the browser's feed uses, `evictionIndex` in
 *   `public/event_feed.js`): sync rounds every few seconds would otherwise
 *   push the elections and catch-ups out of what a new viewer is shown.
 *
 * @module
 */

import type { Cluster, ClusterEvent, ClusterStatus } from "./cluster.ts";
import { EventRing } from "./event_ring.ts";
// @ts-types="./public/event_feed.d.ts"
import { evictionIndex } from "./public/event_feed.js";

/** A cluster event with the id the hub gave it (1, 2, 3…). */
export type FeedEvent = ClusterEvent & {
  /** Identity of the event in this hub: the same in snapshots and streams. */
  id: number;
};

/** An item streamed to dashboards. */
export type DashboardItem =
  | { type: "status"; status: ClusterStatus }
  | { type: "status_error"; message: string }
  | { type: "event"; event: FeedEvent };

/** Every server's clock offset at one instant, for the offsets chart. */
export interface OffsetSample {
  /** Seconds since the epoch (the status snapshot's time). */
  timestamp: number;
  /** Server name → clock offset in milliseconds (`null`: did not answer). */
  offsetsMs: Record<string, number | null>;
}

/** Timing and limits of a {@linkcode DashboardHub}. */
export interface DashboardHubOptions {
  /** Time between status polls while someone watches. */
  statusIntervalMs: number;
  /**
   * Time between status polls while nobody watches, once
   * {@linkcode DashboardHub.watch} was called; 0 (the default) for none.
   */
  idleIntervalMs?: number;
  /** Cluster events kept to show a new viewer. */
  eventsKept: number;
  /** Offset samples kept to draw a new viewer's chart. */
  samplesKept: number;
  /** Items buffered for the viewers' streams. */
  queueItems: number;
}

/** See the module doc. */
export class DashboardHub {
  /** Items for the viewers' streams, each reading from its own cursor. */
  readonly ring: EventRing<DashboardItem>;
  readonly #cluster: Cluster;
  readonly #options: DashboardHubOptions;
  readonly #idleIntervalMs: number;
  /** Sorted by timestamp, then id. */
  readonly #events: FeedEvent[] = [];
  /** Identity keys of the kept events. */
  readonly #keys = new Set<string>();
  readonly #samples: OffsetSample[] = [];
  #lastEventId = 0;
  #viewers = 0;
  #background = false;
  #closed = false;
  #generation = 0;
  #polling = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDueMs = Infinity;
  #subscription: { close(): void } | undefined;

  /** Creates an idle hub for `cluster`. */
  constructor(cluster: Cluster, options: DashboardHubOptions) {
    this.#cluster = cluster;
    this.#options = options;
    this.#idleIntervalMs = Math.max(0, options.idleIntervalMs ?? 0);
    this.ring = new EventRing(options.queueItems);
  }

  /** Recent cluster events, oldest first (by the time they happened). */
  get recentEvents(): FeedEvent[] {
    return this.#events.map((event) => ({ ...event }));
  }

  /** Recent offset samples, oldest first. */
  get samples(): OffsetSample[] {
    return [...this.#samples];
  }

  /** Number of attached viewers. */
  get viewers(): number {
    return this.#viewers;
  }

  /**
   * Starts watching the cluster while nobody does too (every
   * `idleIntervalMs`; nothing when that is 0), until
   * {@linkcode DashboardHub.close}. Idempotent.
   */
  watch(): void {
    this.#background = true;
    this.#update();
  }

  /**
   * Registers a viewer, polling every `statusIntervalMs` while there is
   * one. Returns the function that unregisters it (idempotent).
   */
  attach(): () => void {
    this.#viewers += 1;
    this.#update();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.#viewers -= 1;
      this.#update();
    };
  }

  /** Stops watching for good (streams end through their own signal). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#update();
  }

  /** Records a status snapshot taken outside the poller (a new viewer's). */
  record(status: ClusterStatus): void {
    const offsetsMs: Record<string, number | null> = {};
    for (const server of status.servers) {
      offsetsMs[server.name] = server.clockOffsetMs;
    }
    this.#samples.push({ timestamp: status.timestamp, offsetsMs });
    if (this.#samples.length > this.#options.samplesKept) this.#samples.shift();
  }

  #running(): boolean {
    return !this.#closed &&
      (this.#viewers > 0 || (this.#background && this.#idleIntervalMs > 0));
  }

  /** Starts, stops or re-paces the watcher after a change of viewers. */
  #update(): void {
    if (!this.#running()) {
      this.#generation += 1;
      this.#polling = false;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerDueMs = Infinity;
      this.#subscription?.close();
      this.#subscription = undefined;
      return;
    }
    this.#subscription ??= this.#cluster.events((event) =>
      this.#receive(event)
    );
    if (!this.#polling) this.#schedule();
  }

  /** Sets the next poll, unless one is already due sooner. */
  #schedule(): void {
    const delayMs = this.#viewers > 0
      ? this.#options.statusIntervalMs
      : this.#idleIntervalMs;
    const dueMs = performance.now() + delayMs;
    if (this.#timer !== undefined && this.#timerDueMs <= dueMs) return;
    clearTimeout(this.#timer);
    const generation = this.#generation;
    this.#timerDueMs = dueMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDueMs = Infinity;
      void this.#poll(generation);
    }, delayMs);
  }

  async #poll(generation: number): Promise<void> {
    this.#polling = true;
    let item: DashboardItem;
    try {
      const status = await this.#cluster.status();
      item = { type: "status", status };
      if (generation === this.#generation) this.record(status);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      item = { type: "status_error", message };
    }
    // A poll that outlived its watcher neither reports nor reschedules.
    if (generation !== this.#generation) return;
    this.#polling = false;
    this.ring.push(item);
    this.#schedule();
  }

  #receive(event: ClusterEvent): void {
    const key = eventKey(event);
    if (this.#keys.has(key)) return;
    const kept: FeedEvent = { ...event, id: this.#lastEventId + 1 };
    let index = this.#events.length;
    while (index > 0 && this.#events[index - 1].timestamp > kept.timestamp) {
      index -= 1;
    }
    this.#events.splice(index, 0, kept);
    // One more than before: at most one to drop.
    if (this.#events.length > this.#options.eventsKept) {
      const [dropped] = this.#events.splice(evictionIndex(this.#events), 1);
      // The new event itself (an old one of the commonest kind, arriving
      // late): neither kept nor streamed, and it takes no id.
      if (dropped === kept) return;
      this.#keys.delete(eventKey(dropped));
    }
    this.#lastEventId = kept.id;
    this.#keys.add(key);
    this.ring.push({ type: "event", event: kept });
  }
}

/** What makes two events the same: kind, subject and time. */
function eventKey(event: ClusterEvent): string {
  switch (event.type) {
    case "election":
    case "berkeley":
      return `${event.type}\n${event.coordinator}\n${event.timestamp}`;
    case "catch_up":
      return `${event.type}\n${event.server}\n${event.from}\n${event.records}\n${event.timestamp}`;
    case "server_up":
    case "server_down":
      return `${event.type}\n${event.server}\n${event.timestamp}`;
    default: {
      const never: never = event;
      return JSON.stringify(never);
    }
  }
}
