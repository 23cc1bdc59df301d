/**
 * Serves the web app with an in-memory {@linkcode FakeCluster}: for working
 * on the UI without a cluster, and for the end-to-end tests.
 *
 * ```sh
 * deno run --allow-net --allow-read ui/dev_server.ts --port 8080
 * ```
 *
 * The fake's servers drift and run Berkeley rounds on a timer, so the
 * dashboard moves; `stopServer`/`startServer` on the returned cluster
 * simulate failures.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type AgoraApp, createApp } from "./app.ts";
import { FakeCluster } from "./fake_cluster.ts";
import { readPublicAsset } from "./public_assets.ts";

/** How {@linkcode startDevServer} runs. */
export interface DevServerOptions {
  /** TCP port; 0 picks a free one (default 8080). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Simulated time step: clocks drift once per tick (default 1000 ms). */
  tickMs?: number;
  /** A Berkeley round every this many ticks (default 5). */
  berkeleyEveryTicks?: number;
  /** Dashboard poll interval (default 1000 ms). */
  statusIntervalMs?: number;
  /** Pause between fake acceptance tests (default 150 ms). */
  testPauseMs?: number;
  /** Largest clock drift per tick, ms (default 3). */
  driftMsMax?: number;
  /** Whether to create a couple of channels with messages (default true). */
  seed?: boolean;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The simulated cluster behind it. */
  cluster: FakeCluster;
  /** The app it serves. */
  app: AgoraApp;
  /** Stops the timers, ends every stream and session, closes the server. */
  shutdown(): Promise<void>;
}

/**
 * Starts the dev server and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startDevServer } from "./dev_server.ts";
 * const server = await startDevServer({ port: 0 });
 * console.log(server.url);
 * await server.shutdown();
 * ```
 */
export async function startDevServer(
  options: DevServerOptions = {},
): Promise<DevServer> {
  const cluster = new FakeCluster({
    testPauseMs: options.testPauseMs ?? 150,
    driftMsMax: options.driftMsMax ?? 3,
  });
  if (options.seed ?? true) await seedDemo(cluster);
  const app = createApp(cluster, {
    assets: readPublicAsset,
    statusIntervalMs: options.statusIntervalMs ?? 1000,
  });

  const berkeleyEveryTicks = options.berkeleyEveryTicks ?? 5;
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks += 1;
    cluster.tick();
    if (ticks % berkeleyEveryTicks === 0) cluster.berkeleySync();
  }, options.tickMs ?? 1000);

  const { promise: listening, resolve } = Promise.withResolvers<
    Deno.NetAddr
  >();
  const server = Deno.serve({
    port: options.port ?? 8080,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: resolve,
  }, app.fetch);
  const address = await listening;
  const host = address.hostname.includes(":")
    ? `[${address.hostname}]`
    : address.hostname;

  let stopped = false;
  return {
    url: `http://${host}:${address.port}`,
    cluster,
    app,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      await app.close();
      await server.shutdown();
    },
  };
}

/** Gives the dev cluster something to look at. */
async function seedDemo(cluster: FakeCluster): Promise<void> {
  cluster.setClockSkew("server_1", 18);
  cluster.setClockSkew("server_2", -9);
  cluster.setClockSkew("server_3", 4);
  const host = await cluster.login("agora");
  await host.createChannel("general");
  await host.createChannel("random");
  await host.publish(
    "general",
    "Welcome to agora! Pick a channel or a person.",
  );
  await host.publish(
    "general",
    "Every message shows its time and its Lamport clock (L).",
  );
  await host.publish("random", "Anything goes here.");
  await host.close();
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: {
        type: "string",
        default: Deno.env.get("AGORA_UI_PORT") ?? "8080",
      },
      hostname: { type: "string", default: "127.0.0.1" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "Usage: deno run --allow-net --allow-read --allow-env ui/dev_server.ts " +
        "[--port 8080] [--hostname 127.0.0.1]\n" +
        "Serves the agora web UI against an in-memory simulated cluster.",
    );
    Deno.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port "${values.port}"`);
    Deno.exit(2);
  }
  const server = await startDevServer({ port, hostname: values.hostname });
  console.log(`agora UI (fake cluster) on ${server.url}`);
  const stop = async () => {
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
