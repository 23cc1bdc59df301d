/**
 * agora bot: a random user that posts numbered batches of friendly
 * messages in random channels, forever (or `--count` messages), surviving
 * server failures and proxy restarts. Exits cleanly on SIGINT/SIGTERM.
 *
 * @module
 */

import { AgoraClient, clientOptionsFromConfig } from "@agora/shared/client";
import { loadConfig } from "@agora/shared/config";
import { createLogger } from "@agora/shared/log";
import { validateNewName } from "@agora/shared/protocol";
import { runBot } from "./bot.ts";
import { botName } from "./names.ts";
import { botOptions } from "./options.ts";

const config = loadConfig(botOptions, {
  program: "agora-bot",
  summary: "A bot that chats on an agora cluster.",
});
const user = config.user ?? botName(Math.random);
const problem = validateNewName(user, "user");
if (problem !== undefined) {
  console.error(`agora-bot: invalid --user: ${problem}`);
  Deno.exit(2);
}
const log = createLogger({ service: config.name, dir: config.logDir });
const client = new AgoraClient({ ...clientOptionsFromConfig(config), log });
const stop = new AbortController();
let signals = 0;
function onSignal(signal: Deno.Signal): void {
  signals++;
  // A second signal while stopping means "now".
  if (signals > 1) Deno.exit(signal === "SIGINT" ? 130 : 143);
  log.info("stopping", { signal });
  stop.abort();
}
Deno.addSignalListener("SIGINT", () => onSignal("SIGINT"));
Deno.addSignalListener("SIGTERM", () => onSignal("SIGTERM"));

log.info("starting", {
  user,
  paceMs: config.paceMs,
  count: config.count,
  reference: config.reference,
  servers: config.servers,
  proxy: config.proxySub,
});
let code = 0;
try {
  const stats = await runBot({
    client,
    user,
    paceMs: config.paceMs,
    batchSize: config.batchSize,
    count: config.count,
    log,
    signal: stop.signal,
  });
  log.info("stopped", { user, ...stats });
} catch (error) {
  code = 1;
  log.error("crashed", { error });
}
await client.close();
await log.close();
Deno.exit(code);
