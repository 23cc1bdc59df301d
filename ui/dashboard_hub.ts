/**
 * One poller shared by every open dashboard: while at least one browser
 * watches, it polls `Cluster.status()` on an interval and listens to cluster
 * events, buffering both for the dashboards' streams; with no viewer it does
 * nothing at all (no timer, no subscription).
 *
 * @module
 */

import type { Cluster, ClusterEvent, ClusterStatus } from "./cluster.ts";
import { EventRing } from "./event_ring.ts";

/** An item streamed to dashboards. */
export type DashboardItem =
  | { type: "status"; status: ClusterStatus }
  | { type: "status_error"; message: string }
  | { type: "event"; event: ClusterEvent };

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
  readonly #events: ClusterEvent[] = [];
  readonly #samples: OffsetSample[] = [];
  #viewers = 0;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #subscription: { close(): void } | undefined;

  /** Creates an idle hub for `cluster`. */
  constructor(cluster: Cluster, options: DashboardHubOptions) {
    this.#cluster = cluster;
    this.#options = options;
    this.ring = new EventRing(options.queueItems);
  }

  /** Recent cluster events, oldest first. */
  get recentEvents(): ClusterEvent[] {
    return [...this.#events];
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
   * Registers a viewer, starting the poller for the first one. Returns the
   * function that unregisters it (idempotent); the last one out stops it.
   */
  attach(): () => void {
    this.#viewers += 1;
    if (this.#viewers === 1) this.#start();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.#viewers -= 1;
      if (this.#viewers === 0) this.#stop();
    };
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

  #start(): void {
    this.#generation += 1;
    this.#subscription = this.#cluster.events((event) => {
      this.#events.push(event);
      if (this.#events.length > this.#options.eventsKept) this.#events.shift();
      this.ring.push({ type: "event", event });
    });
    this.#timer = setTimeout(
      () => this.#poll(this.#generation),
      this.#options.statusIntervalMs,
    );
  }

  #stop(): void {
    this.#generation += 1;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#subscription?.close();
    this.#subscription = undefined;
  }

  async #poll(generation: number): Promise<void> {
    let item: DashboardItem;
    try {
      const status = await this.#cluster.status();
      item = { type: "status", status };
      if (generation === this.#generation) this.record(status);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      item = { type: "status_error", message };
    }
    // A poll that outlived its viewers neither reports nor reschedules.
    if (generation !== this.#generation) return;
    this.ring.push(item);
    this.#timer = setTimeout(
      () => this.#poll(generation),
      this.#options.statusIntervalMs,
    );
  }
}
