/**
 * `deno task up [service...]`: starts the local cluster (or the named
 * services and their missing dependencies) as background processes, waits
 * until each is ready, prints where everything is, and returns.
 *
 * @module
 */

import { numberFlag, parseCommand, runCli } from "./runner/cli.ts";
import { Runner } from "./runner/runner.ts";

const EXTRA = {
  "no-deps": {
    type: "boolean",
    description: "start only the named services, not missing dependencies",
  },
  "timeout-ms": {
    type: "string",
    description: "deadline for each service to become ready (default 30000)",
  },
} as const;

const USAGE = `Usage: deno task up [options] [service...]

Starts reference, proxy, server_1..3, bot_1..2 and ui (or the named services)
in the background, in dependency order, each once ready. Running services are
left alone. Logs: logs/<service>.out; data: data/<service>/; pid files: .run/.`;

/** Runs `up` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const cli = parseCommand(args, USAGE, EXTRA);
  if (cli === undefined) return 0;
  const runner = await Runner.open({
    ...cli.options,
    readyTimeoutMs: numberFlag(cli, "timeout-ms"),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`agora: starting in ${runner.paths.root}`);
  const results = await runner.up(
    cli.names.length > 0 ? cli.names : undefined,
    { noDeps: cli.flags["no-deps"] === true },
  );
  const started = results.filter((r) => r.action === "started").length;
  console.log(
    `\n${started} started, ${results.length - started} already running.\n`,
  );
  const running = new Set(
    (await runner.processes()).filter((p) => p.state === "running").map((p) =>
      p.plan.name
    ),
  );
  const e = runner.endpoints;
  const lines: [string, string, string][] = [
    ["web ui", e.ui ?? "", "ui"],
    ["reference", e.reference, "reference"],
    ["proxy publish (XSUB)", e.proxyPub, "proxy"],
    ["proxy subscribe (XPUB)", e.proxySub, "proxy"],
    ...Object.entries(e.servers).map(([n, ep]): [string, string, string] => [
      n,
      ep,
      n,
    ]),
  ];
  for (const [what, where, service] of lines) {
    if (where === "" || !running.has(service)) continue;
    console.log(`  ${what.padEnd(24)}${where}`);
  }
  console.log(
    `\nStatus: deno task status    Logs: deno task logs [service]    Stop: deno task down`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(() => main(Deno.args)));
