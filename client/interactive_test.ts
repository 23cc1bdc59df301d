/**
 * The interactive client in a real terminal (tmux): a live message that
 * arrives while a line is half typed is printed above it, and the partial
 * line survives intact. Skipped when tmux or `server/main.ts` is missing.
 */

import { commandWorks, skipUnless } from "@agora/shared/testing/prerequisite";
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import {
  baseEnv,
  serverAvailable,
  startLocalCluster,
  waitFor,
  WORKSPACE_ROOT,
} from "@agora/shared/client/testing";

const skipTmux = skipUnless(
  commandWorks("tmux", ["-V"]),
  "tmux",
  "apt-get install tmux",
);

/** A tmux server of our own (its own socket), so nothing else is touched. */
class Tmux {
  readonly socket = `agora_test_${Deno.pid}_${Math.floor(Math.random() * 1e6)}`;

  async run(...args: string[]): Promise<string> {
    const { success, stdout, stderr } = await new Deno.Command("tmux", {
      args: ["-L", this.socket, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `tmux ${args.join(" ")} failed: ${new TextDecoder().decode(stderr)}`,
      );
    }
    return new TextDecoder().decode(stdout);
  }

  screen(): Promise<string> {
    return this.run("capture-pane", "-p", "-t", "client");
  }

  async lines(): Promise<string[]> {
    const lines = (await this.screen()).split("\n");
    while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
    return lines;
  }

  keys(text: string): Promise<string> {
    return this.run("send-keys", "-t", "client", "-l", text);
  }

  key(name: string): Promise<string> {
    return this.run("send-keys", "-t", "client", name);
  }

  async kill(): Promise<void> {
    await this.run("kill-server").catch(() => "");
  }
}

Deno.test({
  name:
    "a live message arriving mid-typing keeps the partial line intact (tmux)",
  ignore: skipTmux || !serverAvailable,
  async fn() {
    const cluster = await startLocalCluster({ servers: 1 });
    const bob = new AgoraClient({ reference: cluster.reference });
    const tmux = new Tmux();
    const dir = await Deno.makeTempDir({ prefix: "agora_tmux_" });
    try {
      await bob.login("bob");
      await bob.createChannel("general", "bob");
      const env = {
        ...baseEnv(),
        ...cluster.clientEnv,
        TERM: "xterm-256color",
      };
      const exports = Object.entries(env)
        .map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`)
        .join("\n");
      const launcher = `${dir}/client.sh`;
      await Deno.writeTextFile(
        launcher,
        `${exports}\nexec '${Deno.execPath()}' run --quiet --config='${WORKSPACE_ROOT}deno.json' --allow-ffi --allow-env --allow-read '${WORKSPACE_ROOT}client/main.ts'\n`,
      );
      await tmux.run(
        "new-session",
        "-d",
        "-s",
        "client",
        "-x",
        "120",
        "-y",
        "30",
        `sh ${launcher}`,
      );
      const screenHas = async (text: string) =>
        (await tmux.screen()).includes(text);
      const diagnose = async () => `\n--- screen:\n${await tmux.screen()}`;
      try {
        await waitFor(() => screenHas("Your name:"), 20_000, "the name prompt");
        await tmux.keys("  "); // A name must not start with whitespace…
        await tmux.key("Enter");
        await waitFor(() => screenHas("A name"), 5000, "the name error");
        await tmux.keys("ana");
        await tmux.key("Enter");
        await waitFor(() => screenHas("Logged in as ana"), 10_000, "the login");
        await tmux.keys("/join general");
        await tmux.key("Enter");
        await waitFor(() => screenHas("Joined #general"), 10_000, "the join");
        await waitFor(
          () => screenHas("#general ana>"),
          5000,
          "the channel prompt",
        );
        // Half a line, with the cursor moved inside it and UTF-8 text.
        await tmux.keys("olá mundo wor");
        await waitFor(() => screenHas("olá mundo wor"), 5000, "the typed text");
        let n = 0;
        await waitFor(
          async () => {
            if (await screenHas("<bob> live ")) return true;
            await bob.publish("bob", "general", `live ${n++}`);
            return false;
          },
          10_000,
          "bob's live message on screen",
          100,
        );
        const lines = await tmux.lines();
        const last = lines.at(-1)!;
        assertEquals(last, "#general ana> olá mundo wor", await diagnose());
        const liveLine = lines.findLastIndex((l) => l.includes("<bob> live "));
        assertEquals(liveLine, lines.length - 2, await diagnose());
        assertEquals(
          /^\[\d\d:\d\d:\d\d\] #general <bob> live \d+ {2}L\d+$/.test(
            lines[liveLine],
          ),
          true,
          await diagnose(),
        );
        // Finish the line: what was typed before the message is all there.
        await tmux.key("BSpace");
        await tmux.key("BSpace");
        await tmux.key("BSpace");
        await tmux.keys("world!");
        await tmux.key("Enter");
        await waitFor(
          () => screenHas("<ana> olá mundo world!"),
          10_000,
          "ana's own message",
        );
        const history = await bob.history("general", { limit: 5 });
        assertEquals(history.at(-1)?.message, "olá mundo world!");
        // Ctrl-D on an empty line quits and restores the terminal.
        await tmux.key("C-d");
        await waitFor(
          async () =>
            !(await tmux.run("list-sessions").catch(() => "")).includes(
              "client",
            ),
          10_000,
          "the client to exit",
        );
      } catch (error) {
        throw new Error(`${error}${await diagnose().catch(() => "")}`, {
          cause: error,
        });
      }
    } finally {
      await tmux.kill();
      await bob.close();
      await cluster.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
