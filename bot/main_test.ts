/**
 * The bot as a real process against a real cluster. Skipped while
 * `server/main.ts` does not exist.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import {
  ManagedProcess,
  serverAvailable,
  startLocalCluster,
} from "@agora/shared/client/testing";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test({
  name:
    "a bot with --count 20 --pace-ms 10 posts 20 messages visible in history",
  ignore: !serverAvailable,
  async fn() {
    const cluster = await startLocalCluster({ servers: 1 });
    const client = new AgoraClient({ reference: cluster.reference });
    try {
      const logDir = cluster.clientEnv.AGORA_LOG_DIR;
      const bot = ManagedProcess.start({
        name: "bot",
        main: `${ROOT}bot/main.ts`,
        args: ["--count", "20", "--pace-ms", "10"],
        // The permissions of `deno task bot`, with the test's log directory.
        permissions: ["--allow-ffi", "--allow-env", `--allow-write=${logDir}`],
        env: { ...cluster.clientEnv, AGORA_NAME: "bot_test" },
        cwd: cluster.dir,
        config: `${ROOT}deno.json`,
      });
      const status = await bot.exited(60_000);
      assertEquals(status.code, 0, bot.output);
      const log = (await Deno.readTextFile(`${logDir}/bot_test.jsonl`))
        .trim().split("\n").map((line) => JSON.parse(line));
      const user = log.find((e) => e.event === "starting").user as string;
      assertEquals(/^bot_[a-z]+_[0-9a-f]{4}$/.test(user), true, user);
      assertEquals(log.filter((e) => e.event === "published").length, 20);
      assertEquals(log.at(-1).event, "stopped");
      assertEquals(log.at(-1).sent, 20);

      const messages = [];
      for (const channel of await client.channels()) {
        const history = await client.history(channel, { limit: 1000 });
        messages.push(...history.filter((m) => m.user === user));
      }
      assertEquals(messages.length, 20);
      assertEquals(
        messages.every((m) => /^\(\d+\/10\) /.test(m.message)),
        true,
      );
      assertEquals((await client.users()).includes(user), true);
    } finally {
      await client.close();
      await cluster.close();
    }
  },
});

Deno.test({
  name: "a bot stops cleanly on SIGTERM",
  ignore: !serverAvailable,
  async fn() {
    const cluster = await startLocalCluster({ servers: 1 });
    try {
      const logDir = cluster.clientEnv.AGORA_LOG_DIR;
      const bot = ManagedProcess.start({
        name: "bot",
        main: `${ROOT}bot/main.ts`,
        args: ["--pace-ms", "20"],
        permissions: ["--allow-ffi", "--allow-env", `--allow-write=${logDir}`],
        env: { ...cluster.clientEnv, AGORA_NAME: "bot_term" },
        cwd: cluster.dir,
        config: `${ROOT}deno.json`,
      });
      const logFile = `${logDir}/bot_term.jsonl`;
      const published = async () =>
        (await Deno.readTextFile(logFile).catch(() => ""))
          .includes('"event":"published"');
      const deadline = Date.now() + 30_000;
      while (!(await published())) {
        if (Date.now() > deadline) {
          throw new Error(`No message:\n${bot.output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const status = await bot.stop("SIGTERM", 10_000);
      assertEquals(status.code, 0, bot.output);
      const text = await Deno.readTextFile(logFile);
      assertEquals(text.includes('"event":"stopped"'), true, text);
    } finally {
      await cluster.close();
    }
  },
});
