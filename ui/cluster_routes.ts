/**
 * The dashboard API: a status snapshot, and a live stream of status
 * snapshots and cluster events shared by every open dashboard. A stream
 * starts with a `snapshot` (status, recent events oldest first, offset
 * samples), then sends `status`, `status_error` and `cluster_event` items
 * as the hub gets them; each event carries the hub's `id` (see
 * `dashboard_hub.ts`), and none is in both the snapshot and the stream.
 *
 * @module
 */

import { Hono } from "hono";
import type { Cluster, ClusterStatus } from "./cluster.ts";
import type { DashboardHub } from "./dashboard_hub.ts";
import { type SseEvent, sseResponse, type StreamSlots } from "./sse.ts";

/** What the dashboard routes need besides the cluster. */
export interface ClusterRoutesOptions {
  /** The shared poller. */
  hub: DashboardHub;
  /** Idle time after which streams send a keep-alive comment. */
  heartbeatMs: number;
  /** Open event streams of the whole app, bounded. */
  streams: StreamSlots;
  /** Reports unexpected stream failures. */
  log: (error: unknown) => void;
  /** Aborts when the app closes, ending every stream. */
  shutdown: AbortSignal;
}

/** Builds the dashboard API (mounted under `/api/cluster`). */
export function clusterRoutes(
  cluster: Cluster,
  options: ClusterRoutesOptions,
): Hono {
  const routes = new Hono();

  routes.get("/status", async (c) => c.json(await cluster.status()));

  routes.get("/stream", () =>
    // The slot is taken before the stream's first status request is sent.
    sseResponse(
      (signal) => dashboardEvents(cluster, options.hub, signal),
      {
        heartbeatMs: options.heartbeatMs,
        retryMs: 2000,
        onError: options.log,
        shutdown: options.shutdown,
        slots: options.streams,
      },
    ));

  return routes;
}

async function* dashboardEvents(
  cluster: Cluster,
  hub: DashboardHub,
  signal: AbortSignal,
): AsyncGenerator<SseEvent> {
  const detach = hub.attach();
  try {
    let status: ClusterStatus | null = null;
    let failure: string | null = null;
    try {
      status = await cluster.status();
      hub.record(status);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    // The snapshot's events and the stream's cursor are read together, in
    // one turn, after the status arrived: every event is then in exactly
    // one of the two. (Taken before the status, the cursor let the events
    // noticed by that very poll into both.)
    let cursor = hub.ring.lastSeq;
    yield {
      event: "snapshot",
      data: { status, events: hub.recentEvents, samples: hub.samples },
    };
    if (failure !== null) {
      yield { event: "status_error", data: { message: failure } };
    }
    while (!signal.aborted) {
      const { items } = hub.ring.readAfter(cursor);
      for (const { seq, value } of items) {
        cursor = seq;
        switch (value.type) {
          case "status":
            yield { event: "status", data: value.status };
            break;
          case "status_error":
            yield { event: "status_error", data: { message: value.message } };
            break;
          case "event":
            yield { event: "cluster_event", data: value.event };
            break;
          default: {
            const unknown: never = value;
            throw new Error(
              `Unknown dashboard item ${JSON.stringify(unknown)}`,
            );
          }
        }
      }
      await hub.ring.waitAfter(cursor, signal);
    }
  } finally {
    detach();
  }
}
