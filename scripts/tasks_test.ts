/**
 * The read-only runner tasks work with exactly the permissions `deno.json`
 * gives them (the other tests run the scripts under `-A`, which once hid a
 * missing `--allow-run` in `deno task logs`).
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function task(...args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
}

for (
  const args of [
    ["logs", "--no-follow"],
    ["logs", "server_1", "--no-follow"],
    ["status"],
    ["status", "--json"],
  ]
) {
  Deno.test(`deno task ${args.join(" ")} runs with its own permissions`, async () => {
    const root = await Deno.makeTempDir({ prefix: "agora_tasks_test_" });
    // A pid file (of this test process, which runs no server) makes the
    // task check a process's identity, as it does on a running system.
    await Deno.mkdir(`${root}/.run`);
    await Deno.writeTextFile(
      `${root}/.run/server_1.pid`,
      JSON.stringify({
        name: "server_1",
        pid: Deno.pid,
        started: "Thu Jan  1 00:00:00 1970",
        entry: `${ROOT}server/main.ts`,
        argv: [],
        startedAt: "1970-01-01T00:00:00.000Z",
        outFile: `${root}/logs/server_1.out`,
        endpoints: {},
      }),
    );
    await Deno.writeTextFile(
      `${root}/.run/cluster.json`,
      JSON.stringify({ ports: {}, endpoints: {} }),
    );
    try {
      const out = await task(args[0], "--root", root, ...args.slice(1));
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.doesNotMatch(stderr, /Requires \w+ access/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
