/**
 * The web UI served over HTTP in front of a real cluster: one
 * `AgoraClient`, a {@linkcode RealCluster} over it, the app from
 * `createApp`, `/healthz` for the runner and Docker, and `Deno.serve`.
 * `main.ts` runs it from the configuration; tests start it in-process.
 *
 * @module
 */

import { AgoraClient } from "@agora/shared/client";
import type { Logger } from "@agora/shared/log";
import { type AgoraApp, createApp } from "./app.ts";
import type { AssetReader } from "./assets.ts";
import { readPublicAsset } from "./public_assets.ts";
import { allowedHosts, hostAllowed } from "./host_check.ts";
import { RealCluster, type RealTestsOptions } from "./real_cluster.ts";

/** What {@linkcode startRealUi} needs. */
export interface RealUiOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. */
  hostname: string;
  /** Reference endpoint ("" for none). */
  reference: string;
  /** Configured server endpoints (besides the reference's list). */
  servers: readonly string[];
  /** Proxy XPUB endpoint. */
  proxySub: string;
  /** Per-attempt timeout of chat requests (default 2000 ms). */
  timeoutMs?: number;
  /** Deadline of each dashboard status request (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Dashboard poll interval while someone watches (default 1000 ms). */
  statusIntervalMs?: number;
  /**
   * Poll interval while no dashboard is open (default 5000 ms), so the
   * events feed knows what happened meanwhile; 0 for none.
   */
  idleIntervalMs?: number;
  /** Whether the session cookie is `Secure`. */
  secureCookie?: boolean;
  /**
   * `Host` names answered (default: loopback names when bound to a
   * loopback interface, any otherwise; `*` for any; see `host_check.ts`).
   */
  allowedHosts?: readonly string[];
  /** Most event streams open at once (default 256; see `AppOptions`). */
  maxStreams?: number;
  /** Most chat event streams per browser session (default 8). */
  maxStreamsPerSession?: number;
  /** How the tests page runs the acceptance suite. */
  tests?: RealTestsOptions;
  /** Reads the browser app's files (default: `ui/public/` on disk). */
  assets?: AssetReader;
  /** Structured log (default: none). */
  log?: Logger;
}

/** A running UI. */
export interface RealUi {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The app it serves. */
  app: AgoraApp;
  /** The cluster behind it. */
  cluster: RealCluster;
  /** The UI process's client. */
  client: AgoraClient;
  /**
   * Ends every stream and session, stops serving, and closes the cluster
   * view and the client. Idempotent.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the UI and resolves once it listens. Rejects (having released
 * everything) when the port cannot be bound.
 *
 * @example
 * ```ts ignore
 * import { startRealUi } from "./real_ui_server.ts";
 * const ui = await startRealUi({
 *   port: 0,
 *   hostname: "127.0.0.1",
 *   reference: "tcp://127.0.0.1:5559",
 *   servers: [],
 *   proxySub: "tcp://127.0.0.1:5558",
 * });
 * console.log(ui.url);
 * await ui.shutdown();
 * ```
 */
export async function startRealUi(options: RealUiOptions): Promise<RealUi> {
  const log = options.log;
  const idleIntervalMs = options.idleIntervalMs ?? 5000;
  const client = new AgoraClient({
    reference: options.reference,
    servers: options.servers,
    proxy: options.proxySub,
    timeoutMs: options.timeoutMs,
    log,
  });
  const cluster = new RealCluster({
    client,
    reference: options.reference,
    proxySub: options.proxySub,
    servers: options.servers,
    statusTimeoutMs: options.statusTimeoutMs,
    // The app's hub polls faster while a dashboard is open; the cluster's
    // own event polls only fill the gaps, at the idle pace.
    eventPollIntervalMs: idleIntervalMs > 0 ? idleIntervalMs : undefined,
    tests: options.tests,
    log,
  });
  const app = createApp(cluster, {
    assets: options.assets ?? readPublicAsset,
    statusIntervalMs: options.statusIntervalMs,
    idleIntervalMs,
    secureCookie: options.secureCookie,
    maxStreams: options.maxStreams,
    maxStreamsPerSession: options.maxStreamsPerSession,
    logError: (error) =>
      log?.error("unexpected_error", {
        error: error instanceof Error ? (error.stack ?? error.message) : String(
          error,
        ),
      }),
  });
  // The runner's and Docker's readiness probe: the process serves.
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  const release = async () => {
    await app.close();
    await cluster.close();
    await client.close();
  };
  const hosts = allowedHosts(options.hostname, options.allowedHosts);
  let server: Deno.HttpServer<Deno.NetAddr>;
  const { promise: listening, resolve } = Promise.withResolvers<
    Deno.NetAddr
  >();
  try {
    server = Deno.serve(
      {
        port: options.port,
        hostname: options.hostname,
        onListen: resolve,
        onError: (error) => {
          log?.error("request_failed", {
            error: error instanceof Error ? error.message : String(error),
          });
          return new Response("Internal error", { status: 500 });
        },
      },
      (request) =>
        hostAllowed(request.headers.get("host"), hosts)
          ? app.fetch(request)
          : Response.json(
            { error: "This UI does not answer for that host name" },
            { status: 421, headers: { "Cache-Control": "no-store" } },
          ),
    );
  } catch (error) {
    await release();
    throw error;
  }
  const address = await listening;
  const host = address.hostname.includes(":")
    ? `[${address.hostname}]`
    : address.hostname;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    app,
    cluster,
    client,
    shutdown() {
      stopping ??= (async () => {
        // Streams end first, so the server does not wait on them.
        await app.close();
        await server.shutdown();
        await release();
      })();
      return stopping;
    },
  };
}
