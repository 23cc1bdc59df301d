/**
 * `deno task logs [service...]`: the services' output (`logs/<name>.out`:
 * readable log lines plus anything printed to stderr), merged and followed
 * like `tail -f`, each line prefixed with its service.
 *
 * @module
 */

import { numberFlag, parseCommand, runCli } from "./runner/cli.ts";
import { followFiles } from "./runner/follow.ts";
import { Runner } from "./runner/runner.ts";

const EXTRA = {
  lines: {
    type: "string",
    short: "n",
    description: "lines of history per service first (default 20)",
  },
  "no-follow": {
    type: "boolean",
    description: "print the history and exit",
  },
  json: {
    type: "boolean",
    description: "the JSON lines logs (logs/<name>.jsonl) instead",
  },
} as const;

const USAGE = `Usage: deno task logs [options] [service...]

Follows the output of every service (or the named ones) until Ctrl-C.`;

/** Runs `logs` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const cli = parseCommand(args, USAGE, EXTRA);
  if (cli === undefined) return 0;
  const runner = await Runner.open(cli.options);
  const plans = cli.names.length > 0
    ? cli.names.map((n) => runner.service(n))
    : runner.services;
  const lines = numberFlag(cli, "lines") ?? 20;
  if (!Number.isInteger(lines) || lines < 0) {
    throw new Error(`--lines "${cli.flags.lines}" is not a number of lines.`);
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await followFiles(
      plans.map((p) => ({
        label: p.name,
        path: cli.flags.json ? p.logFile : p.outFile,
      })),
      { lines, follow: cli.flags["no-follow"] !== true, signal: abort.signal },
    );
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(() => main(Deno.args)));
