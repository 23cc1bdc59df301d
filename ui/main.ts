/**
 * agora web UI: `deno task ui` (see `--help`).
 *
 * Serves the chat, the cluster dashboard and the tests page over HTTP
 * (default 127.0.0.1:8080) in front of the cluster named by
 * `AGORA_REFERENCE`, `AGORA_SERVERS` and `AGORA_PROXY_SUB`, and answers
 * `GET /healthz` once it listens. The tests page runs the acceptance suite
 * without stopping anything, unless started with `--disruptive-tests` and
 * the commands that stop and start a server (which then needs
 * `--allow-run`). SIGINT/SIGTERM end every stream and session and exit.
 *
 * @module
 */

import { loadConfig } from "@agora/shared/config";
import { createLogger } from "@agora/shared/log";
import { closeOnSignals } from "@agora/shared/zmq";
import { uiOptions } from "./options.ts";
import { commandControl } from "./real_command_control.ts";
import { type RealUi, startRealUi } from "./real_ui_server.ts";

const config = loadConfig(uiOptions, {
  program: "agora-ui",
  summary: "Web UI of an agora cluster: chat, cluster dashboard and tests.",
});
const log = createLogger({ service: config.name, dir: config.logDir });

if (
  config.disruptiveTests &&
  (config.stopCommand === undefined || config.startCommand === undefined)
) {
  console.error(
    "--disruptive-tests needs --stop-command and --start-command.",
  );
  await log.close();
  Deno.exit(2);
}

let ui: RealUi;
try {
  ui = await startRealUi({
    port: config.port,
    hostname: config.host,
    reference: config.reference,
    servers: config.servers,
    proxySub: config.proxySub,
    timeoutMs: config.timeoutMs,
    statusTimeoutMs: config.statusTimeoutMs,
    statusIntervalMs: config.statusIntervalMs,
    idleIntervalMs: config.idleIntervalMs,
    secureCookie: config.secureCookie,
    allowedHosts: config.allowedHosts,
    maxStreams: config.maxStreams,
    maxStreamsPerSession: config.maxStreamsPerSession,
    tests: {
      disruptive: config.disruptiveTests,
      control: config.disruptiveTests
        ? commandControl({
          stop: config.stopCommand!,
          start: config.startCommand!,
        })
        : undefined,
      bots: config.testBots.length > 0 ? config.testBots : undefined,
    },
    log,
  });
} catch (error) {
  log.error("start_failed", {
    host: config.host,
    port: config.port,
    error: error instanceof Error ? error.message : String(error),
  });
  await log.close();
  Deno.exit(1);
}

log.info("listening", {
  url: ui.url,
  reference: config.reference,
  servers: config.servers,
  proxySub: config.proxySub,
  disruptiveTests: config.disruptiveTests,
});

// A requested stop is a clean exit (0).
closeOnSignals({
  exitCode: 0,
  onSignal: async (signal) => {
    log.info("stopping", { signal });
    try {
      await ui.shutdown();
    } catch (error) {
      log.error("stop_failed", {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await log.close();
    }
  },
});
