/**
 * The terminal client's non-interactive mode, as a real process against a
 * real cluster. Skipped while `server/main.ts` does not exist.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import {
  baseEnv,
  serverAvailable,
  startLocalCluster,
  waitFor,
  WORKSPACE_ROOT,
} from "@agora/shared/client/testing";

const MAIN = `${WORKSPACE_ROOT}client/main.ts`;
// The permissions of `deno task client`: least privilege is part of the test.
const PERMISSIONS = ["--allow-ffi", "--allow-env", "--allow-read"];

function clientCommand(
  args: string[],
  env: Record<string, string>,
  stdin: "piped" | "null",
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${WORKSPACE_ROOT}deno.json`,
      ...PERMISSIONS,
      MAIN,
      ...args,
    ],
    env: { ...baseEnv(), ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A one-server cluster where "bob" is logged in by `helper`, closed after `body`. */
async function withBob(
  body: (
    cluster: Awaited<ReturnType<typeof startLocalCluster>>,
    helper: AgoraClient,
  ) => Promise<void>,
): Promise<void> {
  const cluster = await startLocalCluster({ servers: 1 });
  const helper = new AgoraClient({ reference: cluster.reference });
  try {
    await helper.login("bob");
    await body(cluster, helper);
  } finally {
    await helper.close();
    await cluster.close();
  }
}

Deno.test({
  name: "script mode runs a file of commands and prints plain results",
  ignore: !serverAvailable,
  async fn() {
    await withBob(async (cluster) => {
      const script = await Deno.makeTempFile({ suffix: ".txt" });
      try {
        await Deno.writeTextFile(
          script,
          [
            "# a comment, then a blank line",
            "",
            "/create ##hash",
            "/join ##hash",
            "/create general",
            "/join general",
            "hello from the script",
            "/msg bob hi bob",
            "/history 5",
            "/users",
            "/channels",
            "/join nowhere",
            "/quit",
            "never run",
          ].join("\n"),
        );
        const child = clientCommand(
          ["--script", script, "--user", "ana"],
          cluster.clientEnv,
          "null",
        );
        const { code, stdout, stderr } = await child.output();
        const out = new TextDecoder().decode(stdout);
        const why = `stdout:\n${out}\nstderr:\n${
          new TextDecoder().decode(stderr)
        }`;
        const lines = out.split("\n");
        const has = (pattern: RegExp) => lines.some((l) => pattern.test(l));
        assertEquals(has(/^\* Logged in as ana\.$/), true, why);
        assertEquals(has(/^> \/create general$/), true, why);
        assertEquals(
          has(/^✓ Created #general\. Enter it with \/join #general\.$/),
          true,
          why,
        );
        // A channel whose name starts with '#': the hint works as printed.
        assertEquals(
          has(/^✓ Created ##hash\. Enter it with \/join ##hash\.$/),
          true,
          why,
        );
        assertEquals(has(/^✓ Joined ##hash\.$/), true, why);
        assertEquals(has(/^✓ Joined #general\.$/), true, why);
        assertEquals(
          has(/^✓ Sent to #general \(id server_1:\d+\)\.$/),
          true,
          why,
        );
        assertEquals(
          has(/^\[\d\d:\d\d:\d\d\] \[pm\] you → bob: hi bob {2}L\d+$/),
          true,
          why,
        );
        assertEquals(
          has(
            /^\[\d\d:\d\d:\d\d\] #general <ana> hello from the script {2}L\d+$/,
          ),
          true,
          why,
        );
        assertEquals(has(/^Users \(2\): ana \(you\), bob$/), true, why);
        assertEquals(has(/^Channels \(2\): ##hash\*, #general\*$/), true, why);
        assertEquals(has(/^! .*nowhere/), true, why);
        assertEquals(has(/never run/), false, why);
        // One command failed (/join nowhere): the exit status says so.
        assertEquals(code, 1, why);
      } finally {
        await Deno.remove(script);
      }
    });
  },
});

Deno.test({
  name:
    "piped stdin is a script: the first line is the user, --wait-ms shows live messages",
  ignore: !serverAvailable,
  async fn() {
    await withBob(async (cluster, helper) => {
      await helper.createChannel("lobby", "bob");
      const child = clientCommand(
        ["--wait-ms", "20000"],
        cluster.clientEnv,
        "piped",
      );
      let out = "";
      const reading = (async () => {
        for await (
          const chunk of child.stdout.pipeThrough(new TextDecoderStream())
        ) {
          out += chunk;
        }
      })();
      const errors = new Response(child.stderr).text();
      try {
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode("carol\n/join lobby\n"));
        await writer.close();
        await waitFor(() => out.includes("Joined #lobby"), 20_000, "the join");
        // Until the subscription has crossed the proxy, publish again.
        let n = 0;
        await waitFor(
          async () => {
            if (out.includes("<bob> live ")) return true;
            await helper.publish("bob", "lobby", `live ${n++}`);
            return false;
          },
          10_000,
          "a live message in the output",
          100,
        );
      } finally {
        child.kill("SIGTERM");
        await child.status;
        await reading;
        await errors;
      }
      assertEquals(/#lobby <bob> live \d+ {2}L\d+/.test(out), true, out);
    });
  },
});

Deno.test({
  name:
    "a script whose first line is a command is refused instead of logging in as it",
  ignore: !serverAvailable,
  async fn() {
    await withBob(async (cluster, helper) => {
      await helper.createChannel("general", "bob");
      const child = clientCommand([], cluster.clientEnv, "piped");
      const writer = child.stdin.getWriter();
      await writer.write(
        new TextEncoder().encode("# no user line\n/join general\nhello\n"),
      );
      await writer.close();
      const { code, stdout, stderr } = await child.output();
      const out = new TextDecoder().decode(stdout);
      const why = `stdout:\n${out}\nstderr:\n${
        new TextDecoder().decode(stderr)
      }`;
      assertEquals(code, 1, why);
      assertEquals(
        out.includes(
          '! No user: the first line "/join general" is a command. ' +
            "Put the user name on the first line or pass --user NAME.",
        ),
        true,
        why,
      );
      assertEquals(out.includes("Logged in"), false, why);
      assertEquals(await helper.users(), ["bob"], why);
    });
  },
});
