/**
 * `deno task down [service...]`: stops the local cluster (or the named
 * services) in reverse dependency order: SIGTERM, then SIGKILL after a
 * grace period. A stale pid file is removed without signalling anything.
 *
 * @module
 */

import { numberFlag, parseCommand, runCli } from "./runner/cli.ts";
import { Runner } from "./runner/runner.ts";

const EXTRA = {
  "grace-ms": {
    type: "string",
    description: "time between SIGTERM and SIGKILL (default 5000)",
  },
} as const;

const USAGE = `Usage: deno task down [options] [service...]

Stops every service of the local cluster (or the named ones), in reverse
dependency order. Data and logs are kept.`;

/** Runs `down` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const cli = parseCommand(args, USAGE, EXTRA);
  if (cli === undefined) return 0;
  const runner = await Runner.open({
    ...cli.options,
    stopGraceMs: numberFlag(cli, "grace-ms"),
    log: (line) => console.log(`  ${line}`),
  });
  const results = await runner.down(
    cli.names.length > 0 ? cli.names : undefined,
  );
  const stopped = results.filter((r) => r.pid !== undefined).length;
  console.log(
    stopped === 0
      ? "agora: nothing was running."
      : `agora: stopped ${stopped} service${stopped === 1 ? "" : "s"}.`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(() => main(Deno.args)));
