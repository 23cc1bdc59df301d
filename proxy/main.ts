/**
 * agora pub/sub proxy: publishers connect to XSUB (5557), subscribers to XPUB
 * (5558); libzmq's own proxy forwards between them on a pool thread, so the
 * forwarding path never touches JavaScript. Forwarded counts are logged
 * periodically and on exit.
 *
 * @module
 */

import { loadConfig } from "@agora/shared/config";
import { createLogger } from "@agora/shared/log";
import {
  closeOnSignals,
  type Proxy,
  startProxy,
  type ZmqError,
} from "@agora/shared/zmq";
import { proxyOptions } from "./options.ts";

const config = loadConfig(proxyOptions, {
  program: "agora-proxy",
  summary: "XSUB/XPUB forwarder for agora publications.",
});
const log = createLogger({ service: config.name, dir: config.logDir });

let proxy: Proxy;
try {
  proxy = await startProxy({
    frontend: { type: "xsub", bind: config.xsub },
    backend: { type: "xpub", bind: config.xpub },
  });
} catch (error) {
  log.error("bind_failed", {
    xsub: config.xsub,
    xpub: config.xpub,
    error: String(error),
    code: (error as ZmqError).code,
  });
  await log.close();
  Deno.exit(1);
}
log.info("listening", {
  xsub: proxy.frontendEndpoint,
  xpub: proxy.backendEndpoint,
});

async function logStatistics(event: string): Promise<void> {
  try {
    const stats = await proxy.statistics();
    log.info(event, {
      forwardedMessages: stats.frontend.messagesIn,
      forwardedBytes: stats.frontend.bytesIn,
      deliveredMessages: stats.backend.messagesOut,
      subscriptionMessages: stats.backend.messagesIn,
    });
  } catch (error) {
    log.warn("statistics_failed", { error: String(error) });
  }
}

const timer = setInterval(
  () => logStatistics("forwarded"),
  config.statsIntervalMs,
);
// A requested stop is a clean exit (0).
closeOnSignals({
  exitCode: 0,
  onSignal: async (signal) => {
    clearInterval(timer);
    log.info("stopping", { signal });
    try {
      await logStatistics("forwarded_total");
      await proxy.stop();
    } finally {
      await log.close();
    }
  },
});
await proxy.done;
