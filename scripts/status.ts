/**
 * `deno task status [--json]`: every service of the local cluster with its
 * pid, endpoint, health, rank and role, and who the coordinator is
 * (asked from the reference's `list` and each server's `status`).
 *
 * @module
 */

import { numberFlag, parseCommand, runCli } from "./runner/cli.ts";
import { Runner } from "./runner/runner.ts";
import { collectStatus } from "./runner/status_report.ts";
import { formatStatus } from "./runner/status_table.ts";

const EXTRA = {
  json: { type: "boolean", description: "print the report as JSON" },
  "timeout-ms": {
    type: "string",
    description: "deadline for each probe (default 1000)",
  },
} as const;

const USAGE = `Usage: deno task status [options]

Shows every service with its pid, endpoint, health, rank, role and Lamport
clock, and the coordinator the servers agree on. Exits 0 when every running
service is healthy, 1 otherwise.`;

/** Runs `status` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const cli = parseCommand(args, USAGE, EXTRA);
  if (cli === undefined) return 0;
  const runner = await Runner.open(cli.options);
  const report = await collectStatus(runner, {
    timeoutMs: numberFlag(cli, "timeout-ms"),
    secret: runner.secret,
  });
  console.log(
    cli.flags.json ? JSON.stringify(report, null, 2) : formatStatus(report),
  );
  const unhealthy = report.services.some((s) =>
    s.process === "running" && s.health === "down"
  );
  return unhealthy ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runCli(() => main(Deno.args)));
