/**
 * The bot keeps going when its server dies and when the proxy restarts.
 * Real processes; skipped while `server/main.ts` does not exist.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import { createLogger } from "@agora/shared/log";
import {
  serverAvailable,
  startLocalCluster,
  waitFor,
} from "@agora/shared/client/testing";
import { runBot } from "./bot.ts";

Deno.test({
  name: "a bot survives its server dying and the proxy restarting",
  ignore: !serverAvailable,
  async fn() {
    const cluster = await startLocalCluster({ servers: 2 });
    const client = new AgoraClient({
      reference: cluster.reference,
      servers: cluster.servers.map((s) => s.endpoint),
      proxy: cluster.proxySub,
      timeoutMs: 500,
    });
    const log = createLogger({ service: "bot", file: false, stdout: false });
    const user = "bot_resilient_0001";
    try {
      const stop = new AbortController();
      const running = runBot({
        client,
        user,
        paceMs: 20,
        count: 1000,
        log,
        random: () => 0.5,
        signal: stop.signal,
      });
      const published = async () => {
        let total = 0;
        for (const channel of await client.channels()) {
          const history = await client.history(channel, { limit: 1000 });
          total += history.filter((m) => m.user === user).length;
        }
        return total;
      };
      await waitFor(async () => (await published()) >= 5, 20_000, "5 messages");
      const victim = cluster.servers.find((s) =>
        s.endpoint === client.currentServer
      )!;
      await cluster.stop(victim.name);
      const afterCrash = await published();
      await waitFor(
        async () => (await published()) >= afterCrash + 10,
        20_000,
        "10 more messages after the server died",
      );
      await cluster.restart("proxy");
      // The bot's live feed comes back by itself (SUB reconnects and
      // re-subscribes; the server's PUB reconnects too).
      const deliveredBefore = client.feed.stats.delivered;
      await waitFor(
        () => client.feed.stats.delivered >= deliveredBefore + 3,
        20_000,
        "live messages after the proxy restarted",
      );
      stop.abort();
      const stats = await running;
      assertEquals(stats.sent >= afterCrash + 10, true);
      // At-least-once around the crash: a publish the dying server stored
      // but never answered is retried on the survivor (one extra copy), and
      // one it stored but had not replicated yet waits on its disk (one
      // fewer). Anything else is a lost or duplicated message.
      const stored = await published();
      assertEquals(
        Math.abs(stored - stats.sent) <= 1,
        true,
        `${stored} vs ${stats.sent}`,
      );
    } finally {
      await client.close();
      await log.close();
      await cluster.close();
    }
  },
});
