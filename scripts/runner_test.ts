/**
 * The local runner end to end: the real `up`, `status` and `down` commands
 * as subprocesses, in a temporary root, on free ports, with the reference
 * and the proxy (the services whose start is cheapest; the acceptance
 * suite's test starts the whole cluster). Every test stops what it started.
 *
 * @module
 */

import assert from "node:assert/strict";
import { freePorts } from "./runner/port_probe.ts";
import { portEnvName } from "./runner/ports.ts";
import { readIdentity } from "./runner/process_identity.ts";
import { Runner } from "./runner/runner.ts";
import { SERVICES } from "./services.ts";

const SCRIPTS = new URL("./", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp root and a free port for every service role, as environment. */
async function setup(): Promise<{ root: string; env: Record<string, string> }> {
  const root = await Deno.makeTempDir({ prefix: "agora_runner_test_" });
  const roles = SERVICES.flatMap((s) =>
    Object.keys(s.ports).map((role) => portEnvName(s.name, role))
  );
  const ports = freePorts(roles.length);
  const env = Object.fromEntries(
    roles.map((name, i) => [name, String(ports[i])]),
  );
  return { root, env };
}

async function cli(
  script: string,
  root: string,
  env: Record<string, string>,
  ...args: string[]
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${SCRIPTS}${script}`, "--root", root, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

async function pidOf(root: string, name: string): Promise<number | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(`${root}/.run/${name}.pid`)).pid;
  } catch {
    return undefined;
  }
}

/** Processes whose command line writes to this root's data of `name`. */
async function processesOf(root: string, name: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const identity = await readIdentity(Number(entry.name)).catch(() =>
      undefined
    );
    if (
      identity !== undefined && !identity.exited &&
      identity.argv.some((a) => a.includes(`${root}/logs`)) &&
      identity.argv.some((a) => a.endsWith(`/${name}/main.ts`))
    ) {
      found.push(identity.pid);
    }
  }
  return found;
}

async function cleanup(root: string, env: Record<string, string>) {
  await cli("down.ts", root, env);
  await Deno.remove(root, { recursive: true });
}

Deno.test("up, status and down run services in the background on free ports", async () => {
  const { root, env } = await setup();
  try {
    const up = await cli("up.ts", root, env, "reference", "proxy");
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /2 started, 0 already running/);
    assert.match(
      up.stdout,
      new RegExp(
        `reference\\s+tcp://127.0.0.1:${env.AGORA_PORT_REFERENCE_REP}`,
      ),
    );
    const pids = [await pidOf(root, "reference"), await pidOf(root, "proxy")];
    for (const pid of pids) {
      const identity = await readIdentity(pid!);
      assert.ok(identity !== undefined && !identity.exited, `pid ${pid} runs`);
      // Least privilege: no -A, files scoped to the root.
      assert.ok(!identity.argv.includes("-A"));
      assert.ok(
        identity.argv.some((a) =>
          a === `--allow-write=${root}/data/reference,${root}/logs` ||
          a === `--allow-write=${root}/logs`
        ),
      );
    }

    const status = await cli("status.ts", root, env, "--json");
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    const byName = Object.fromEntries(
      report.services.map((s: { name: string }) => [s.name, s]),
    );
    assert.equal(byName.reference.process, "running");
    assert.equal(byName.reference.health, "ok");
    assert.equal(byName.reference.pid, pids[0]);
    assert.equal(byName.proxy.health, "ok");
    assert.equal(byName.server_1.process, "stopped");
    const table = await cli("status.ts", root, env);
    assert.match(table.stdout, /^SERVICE\s+PID\s+ENDPOINT\s+HEALTH/);
    assert.match(table.stdout, new RegExp(`reference\\s+${pids[0]}\\s`));

    const down = await cli("down.ts", root, env);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /stopped 2 services/);
    for (const pid of pids) {
      const identity = await readIdentity(pid!);
      assert.ok(identity === undefined || identity.exited, `pid ${pid} gone`);
    }
    assert.equal(await pidOf(root, "reference"), undefined);
    const log = await Deno.readTextFile(`${root}/logs/reference.out`);
    assert.match(log, /stopping signal=SIGTERM/);
  } finally {
    await cleanup(root, env);
  }
});

Deno.test("up twice starts no duplicates; up <service> starts its dependencies only", async () => {
  const { root, env } = await setup();
  try {
    const first = await cli("up.ts", root, env, "reference");
    assert.equal(first.code, 0, first.stderr);
    const pid = await pidOf(root, "reference");
    const second = await cli("up.ts", root, env, "reference");
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /reference: already running/);
    assert.equal(await pidOf(root, "reference"), pid);
    assert.deepEqual(await processesOf(root, "reference"), [pid]);
    assert.equal(await pidOf(root, "proxy"), undefined);

    // A server needs the reference (running) and the proxy (started now).
    const server = await cli("up.ts", root, env, "server_1");
    assert.equal(server.code, 0, server.stderr);
    assert.match(server.stdout, /2 started, 1 already running/);
    assert.equal(await pidOf(root, "reference"), pid);
    assert.ok(await pidOf(root, "proxy"));
    assert.ok(await pidOf(root, "server_1"));
    assert.equal(await pidOf(root, "server_2"), undefined);

    const single = await cli("down.ts", root, env, "reference");
    assert.equal(single.code, 0, single.stderr);
    assert.deepEqual(await processesOf(root, "reference"), []);
  } finally {
    await cleanup(root, env);
  }
});

Deno.test("stale pid files are cleaned up and their pids never signalled", async () => {
  const { root, env } = await setup();
  // A process that is not ours, whose pid a stale file will name.
  const stranger = new Deno.Command("sleep", {
    args: ["60"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await Deno.mkdir(`${root}/.run`, { recursive: true });
    const identity = await readIdentity(stranger.pid);
    assert.ok(identity !== undefined);
    // Same pid and start time, but not running the reference: reused pid.
    await Deno.writeTextFile(
      `${root}/.run/reference.pid`,
      JSON.stringify({
        name: "reference",
        pid: stranger.pid,
        started: identity.started,
        entry: `${SCRIPTS}../reference/main.ts`,
        argv: [],
        startedAt: new Date().toISOString(),
        endpoints: {},
        outFile: `${root}/logs/reference.out`,
      }),
    );
    await Deno.writeTextFile(`${root}/.run/proxy.pid`, "not json");
    const status = await cli("status.ts", root, env, "--json");
    const report = JSON.parse(status.stdout);
    const reference = report.services.find((s: { name: string }) =>
      s.name === "reference"
    );
    assert.equal(reference.process, "stale");
    assert.match(reference.detail, /belongs to another process/);
    assert.equal(
      report.services.find((s: { name: string }) => s.name === "proxy").process,
      "stale",
    );

    const up = await cli("up.ts", root, env, "reference");
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /removing stale pid file/);
    const started = await pidOf(root, "reference");
    assert.notEqual(started, stranger.pid);
    const down = await cli("down.ts", root, env);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /stale pid file removed/);
    // The stranger survived all of it.
    const still = await readIdentity(stranger.pid);
    assert.ok(still !== undefined && !still.exited, "the stranger still runs");
    await assert.rejects(
      Deno.stat(`${root}/.run/proxy.pid`),
      Deno.errors.NotFound,
    );
  } finally {
    stranger.kill("SIGKILL");
    await stranger.status;
    await cleanup(root, env);
  }
});

Deno.test("a service running without a valid pid file is adopted, never started twice", async () => {
  const { root, env } = await setup();
  try {
    const first = await cli("up.ts", root, env, "reference");
    assert.equal(first.code, 0, first.stderr);
    const pid = await pidOf(root, "reference");
    assert.ok(pid !== undefined);
    // The pid file is lost, then damaged: the process still runs.
    for (const damage of [undefined, "not json"]) {
      if (damage === undefined) {
        await Deno.remove(`${root}/.run/reference.pid`);
      } else {
        await Deno.writeTextFile(`${root}/.run/reference.pid`, damage);
      }
      const status = JSON.parse(
        (await cli("status.ts", root, env, "--json")).stdout,
      );
      const reference = status.services.find((s: { name: string }) =>
        s.name === "reference"
      );
      assert.equal(reference.process, "running");
      assert.equal(reference.pid, pid);
      const again = await cli("up.ts", root, env, "reference");
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /adopted/);
      assert.equal(await pidOf(root, "reference"), pid);
      assert.deepEqual(await processesOf(root, "reference"), [pid]);
    }
    // down finds it too, when its pid file is gone.
    await Deno.remove(`${root}/.run/reference.pid`);
    const down = await cli("down.ts", root, env);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /reference: terminated/);
    assert.deepEqual(await processesOf(root, "reference"), []);
  } finally {
    await cleanup(root, env);
  }
});

Deno.test("a port in use by another process fails before anything starts", async () => {
  const { root, env } = await setup();
  const port = Number(env.AGORA_PORT_PROXY_XPUB);
  const squatter = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    const up = await cli("up.ts", root, env, "reference", "proxy");
    assert.equal(up.code, 1);
    assert.match(
      up.stderr,
      new RegExp(
        `Port ${port} \\(proxy xpub\\) is already in use by another process`,
      ),
    );
    assert.match(up.stderr, /Nothing was started/);
    assert.equal(await pidOf(root, "reference"), undefined);
    assert.deepEqual(await processesOf(root, "reference"), []);
  } finally {
    squatter.close();
    await cleanup(root, env);
  }
});

Deno.test("a running cluster keeps its ports; other ports are refused", async () => {
  const { root, env } = await setup();
  try {
    assert.equal((await cli("up.ts", root, env, "reference")).code, 0);
    const moved = await cli("up.ts", root, {}, "--base-port", "40000", "proxy");
    assert.equal(moved.code, 1);
    assert.match(moved.stderr, /run on other ports than requested/);
    // Without port options, the recorded layout is used.
    const same = await cli("up.ts", root, {}, "proxy");
    assert.equal(same.code, 0, same.stderr);
    assert.match(
      same.stdout,
      new RegExp(
        `proxy subscribe \\(XPUB\\)\\s+tcp://127.0.0.1:${env.AGORA_PORT_PROXY_XPUB}`,
      ),
    );
  } finally {
    await cleanup(root, env);
  }
});

Deno.test("Runner attached: up and down in-process leave nothing behind", async () => {
  const { root, env } = await setup();
  const runner = await Runner.open({
    root,
    env: { ...Deno.env.toObject(), ...env },
    detach: false,
  });
  try {
    const [result] = await runner.up(["reference"], { noDeps: true });
    assert.equal(result.action, "started");
    assert.ok(result.readyMs < 30_000);
    const [info] = (await runner.processes()).filter((p) =>
      p.plan.name === "reference"
    );
    assert.equal(info.state, "running");
    const down = await runner.down();
    assert.equal(
      down.find((d) => d.name === "reference")?.outcome,
      "terminated",
    );
    assert.deepEqual(await processesOf(root, "reference"), []);
  } finally {
    await runner.down();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a service that cannot start is reported with its output; the others keep running", async () => {
  const { root, env } = await setup();
  const runner = await Runner.open({
    root,
    env: { ...Deno.env.toObject(), ...env },
    // An invalid setting makes the reference exit at once.
    extraEnv: { reference: { AGORA_HEARTBEAT_TIMEOUT_MS: "0" } },
    detach: false,
  });
  try {
    await assert.rejects(
      runner.up(["reference", "proxy", "server_1"]),
      (error: Error) => {
        assert.match(error.message, /reference exited while starting/);
        assert.match(
          error.message,
          /Invalid value "0" for AGORA_HEARTBEAT_TIMEOUT_MS/,
        );
        assert.match(error.message, /Not started: server_1/);
        assert.match(error.message, /Still running: proxy/);
        return true;
      },
    );
    const states = Object.fromEntries(
      (await runner.processes()).map((p) => [p.plan.name, p.state]),
    );
    assert.equal(states.reference, "stopped");
    assert.equal(states.proxy, "running");
    assert.equal(states.server_1, "stopped");
    await runner.down();
    assert.deepEqual(await processesOf(root, "proxy"), []);
  } finally {
    await runner.down();
    await Deno.remove(root, { recursive: true });
  }
});
