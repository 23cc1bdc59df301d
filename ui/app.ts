/**
 * The agora web app: JSON API, server-sent event streams and the static
 * browser app, built against the {@linkcode Cluster} interface only. It
 * makes no Deno, file-system or ZeroMQ call; `main.ts` (or the dev server)
 * serves it and supplies the cluster and the asset reader.
 *
 * @module
 */

import { Hono } from "hono";
import type { AssetReader } from "./assets.ts";
import { assetContentType } from "./assets.ts";
import { chatRoutes } from "./chat_routes.ts";
import type { Cluster } from "./cluster.ts";
import { clusterRoutes } from "./cluster_routes.ts";
import { DashboardHub } from "./dashboard_hub.ts";
import { errorResponse } from "./http_errors.ts";
import { sameOrigin } from "./same_origin.ts";
import { securityHeaders } from "./security_headers.ts";
import { SessionStore } from "./sessions.ts";
import { StreamSlots } from "./sse.ts";
import { testsRoutes } from "./tests_routes.ts";

/** Tunables and injected capabilities of {@linkcode createApp}. */
export interface AppOptions {
  /** Reads `ui/public/` files; without it only the API is served. */
  assets?: AssetReader;
  /** Current time, milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** A fresh unguessable session token (default: 32 random bytes). */
  newToken?: () => string;
  /** Dashboard status poll interval while a dashboard is open (default 1000 ms). */
  statusIntervalMs?: number;
  /**
   * Status poll interval while no dashboard is open (default 5000 ms): the
   * app watches the cluster from creation until {@linkcode AgoraApp.close},
   * so the events feed knows what happened while nobody looked, and when.
   * 0 watches only while a dashboard is open.
   */
  idleIntervalMs?: number;
  /** Keep-alive comment interval on idle streams (default 15000 ms). */
  heartbeatMs?: number;
  /** Events buffered per browser session (default 500). */
  sessionQueueEvents?: number;
  /** Most live browser sessions (default 1000). */
  maxSessions?: number;
  /** Idle time that ends a browser session (default 24 h). */
  sessionIdleMs?: number;
  /**
   * Most event streams open at once over the whole app: chat, dashboard and
   * tests streams (default 256). Beyond it a stream is refused with 503.
   */
  maxStreams?: number;
  /** Most `/api/events` streams one browser session may open (default 8). */
  maxStreamsPerSession?: number;
  /** Whether the session cookie is `Secure` (default false: plain HTTP). */
  secureCookie?: boolean;
  /** Where unexpected errors are reported (default `console.error`). */
  logError?: (error: unknown) => void;
}

/** The Hono app plus what its owner needs to shut it down cleanly. */
export type AgoraApp = Hono & {
  /**
   * Stops watching the cluster, ends every event stream and every browser
   * session (closing their cluster sessions), so a server can shut down
   * without waiting on long-lived responses. The app should not be used
   * afterwards.
   */
  close(): Promise<void>;
};

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Builds the web app for `cluster`.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { FakeCluster } from "./fake_cluster.ts";
 * const app = createApp(new FakeCluster());
 * const response = await app.request("/api/login", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ user: "ana" }),
 * });
 * console.log(response.status); // 200
 * ```
 */
export function createApp(
  cluster: Cluster,
  options: AppOptions = {},
): AgoraApp {
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const log = options.logError ?? ((error) => console.error(error));
  const store = new SessionStore({
    maxSessions: options.maxSessions ?? 1000,
    idleTimeoutMs: options.sessionIdleMs ?? 24 * 60 * 60 * 1000,
    queueEvents: options.sessionQueueEvents ?? 500,
    maxStreamsPerSession: options.maxStreamsPerSession ?? 8,
    maxChannels: 200,
    maxPeers: 500,
    now,
    newToken: options.newToken ?? randomToken,
  });
  const hub = new DashboardHub(cluster, {
    statusIntervalMs: options.statusIntervalMs ?? 1000,
    idleIntervalMs: options.idleIntervalMs ?? 5000,
    eventsKept: 100,
    samplesKept: 120,
    queueItems: 200,
  });
  hub.watch();
  const streams = new StreamSlots(options.maxStreams ?? 256);

  const closing = new AbortController();
  const shutdown = closing.signal;
  const app = new Hono();
  app.use("*", securityHeaders());
  app.use("/api/*", sameOrigin());
  app.use("/api/*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) {
      c.res.headers.set("Cache-Control", "no-store");
    }
  });
  app.onError((error, c) => errorResponse(c, error, log));
  app.notFound((c) => c.json({ error: `No such page "${c.req.path}"` }, 404));

  app.route(
    "/api",
    chatRoutes(cluster, {
      store,
      secureCookie: !!options.secureCookie,
      heartbeatMs,
      streams,
      log,
      shutdown,
    }),
  );
  app.route(
    "/api/cluster",
    clusterRoutes(cluster, { hub, heartbeatMs, streams, log, shutdown }),
  );
  app.route(
    "/api/tests",
    testsRoutes(cluster, { heartbeatMs, streams, now, log, shutdown }),
  );

  const assets = options.assets;
  if (assets !== undefined) {
    const serve = async (name: string): Promise<Response | null> => {
      const type = assetContentType(name);
      if (type === null) return null;
      const bytes = await assets(name);
      if (bytes === null) return null;
      return new Response(bytes, {
        headers: { "Content-Type": type, "Cache-Control": "no-cache" },
      });
    };
    app.get("/", async (c) => (await serve("index.html")) ?? c.notFound());
    app.get(
      "/assets/:name",
      async (c) => (await serve(c.req.param("name"))) ?? c.notFound(),
    );
  }

  const close = async () => {
    hub.close();
    closing.abort();
    await store.closeAll();
  };
  return Object.assign(app, { close });
}
