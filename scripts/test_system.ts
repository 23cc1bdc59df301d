/**
 * `deno task test:system`: the acceptance suite from the command line.
 *
 * By default it starts a cluster of its own (temporary directory, free
 * ports), runs all nine checks — including killing and restarting servers —
 * and stops it. With `--against` it tests the cluster `deno task up`
 * started (endpoints and secret from the runner's `.run/`), or the
 * endpoints given as flags; then servers are only stopped with
 * `--disruptive`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  botUsers,
  runnerControl,
  startOwnCluster,
} from "./acceptance/own_cluster.ts";
import { formatResult, formatSummary } from "./acceptance/report.ts";
import { ACCEPTANCE_CHECKS, runAcceptance } from "./acceptance/suite.ts";
import type { AcceptanceOptions, TestSummary } from "./acceptance/types.ts";
import { runCli } from "./runner/cli.ts";
import { Runner } from "./runner/runner.ts";

const HELP = `Usage: deno task test:system [options]

Runs the acceptance suite (${ACCEPTANCE_CHECKS.length} checks: ${
  ACCEPTANCE_CHECKS.map((c) => c.id).join(", ")
}).

Without --against: starts its own cluster (temporary directory, free ports,
fast timings), runs every check including the disruptive parts (the
coordinator is killed and restarted, a follower is stopped and must catch
up), and stops it.

  --against          test the running cluster of "deno task up" (its .run/ state)
  --root DIR         runner root of that cluster (default: the repository)
  --reference EP     test these endpoints instead (implies --against) ...
  --proxy-sub EP     ... the proxy's XPUB endpoint
  --servers EP,EP    ... server endpoints, or name=EP pairs
  --secret S         cluster secret for signed requests (default: the runner's,
                     or AGORA_CLUSTER_SECRET); without one, the coordinator is
                     read from its announcements only
  --disruptive       against a running cluster, also stop/restart servers
                     (needs a cluster started by "deno task up"). Without it the
                     re-election and restart catch-up parts are skipped and the
                     results say so.
  --bots A,B         the bots' user names (default: any user outside the suite
                     that publishes counts as a bot)
  --only ID,ID       run only these checks
  --json             print {passed, total, tests: {name: {passed, message, duration}}}
  --keep             keep the own cluster's directory (logs, data) afterwards
  --time-scale X     multiply every deadline by X (slow machines)
  -h, --help         this help

Exit status: 0 when every check passed, 1 otherwise.`;

/** Runs the suite with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      against: { type: "boolean" },
      root: { type: "string" },
      reference: { type: "string" },
      "proxy-sub": { type: "string" },
      servers: { type: "string" },
      secret: { type: "string" },
      disruptive: { type: "boolean" },
      bots: { type: "string" },
      only: { type: "string" },
      json: { type: "boolean" },
      keep: { type: "boolean" },
      "time-scale": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const json = values.json === true;
  const color = !json && !Deno.noColor && Deno.stdout.isTerminal();
  const say = (line: string) => {
    if (!json) console.log(line);
  };
  const base: Omit<AcceptanceOptions, "endpoints"> = {
    only: _list(values.only),
    bots: _list(values.bots),
    timeScale: values["time-scale"] === undefined
      ? undefined
      : Number(values["time-scale"]),
    onResult: (result) => say(formatResult(result, color)),
  };
  const explicit = values.reference !== undefined ||
    values.servers !== undefined || values["proxy-sub"] !== undefined;
  let summary: TestSummary;
  if (values.against || explicit) {
    const runner = await Runner.open({ root: values.root });
    const endpoints = {
      reference: values.reference ?? runner.endpoints.reference,
      proxySub: values["proxy-sub"] ?? runner.endpoints.proxySub,
      servers: values.servers === undefined
        ? runner.endpoints.servers
        : _servers(values.servers),
    };
    const secret = values.secret ?? Deno.env.get("AGORA_CLUSTER_SECRET") ??
      (explicit ? undefined : runner.secret);
    if (values.disruptive && explicit) {
      throw new Error(
        '--disruptive needs a cluster started by "deno task up" (it stops and starts servers through the runner); drop the endpoint flags.',
      );
    }
    say(
      `Testing the running cluster (reference ${endpoints.reference})${
        values.disruptive ? ", disruptive" : ""
      }\n`,
    );
    summary = await runAcceptance({
      ...base,
      bots: base.bots ?? (explicit ? undefined : botUsers(runner)),
      endpoints,
      secret,
      disruptive: values.disruptive === true,
      control: values.disruptive ? runnerControl(runner) : undefined,
    });
  } else {
    say("Starting a cluster of its own…");
    const cluster = await startOwnCluster({
      keepRoot: values.keep === true,
      log: json ? undefined : (line) => console.log(`  ${line}`),
    });
    try {
      say(`Cluster ready in ${cluster.runner.paths.root}\n`);
      summary = await runAcceptance({
        ...base,
        bots: base.bots ?? cluster.bots,
        endpoints: cluster.endpoints,
        secret: values.secret ?? cluster.secret,
        disruptive: true,
        control: cluster.control,
      });
    } finally {
      say("\nStopping the cluster…");
      await cluster.close();
      if (values.keep) say(`Kept ${cluster.runner.paths.root}`);
    }
  }
  if (json) {
    console.log(JSON.stringify(
      { passed: summary.passed, total: summary.total, tests: summary.tests },
      null,
      2,
    ));
  } else {
    console.log(`\n${formatSummary(summary, color)}`);
  }
  return summary.passed === summary.total ? 0 : 1;
}

function _list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function _servers(value: string): Record<string, string> | string[] {
  const items = _list(value) ?? [];
  if (items.every((i) => i.includes("="))) {
    return Object.fromEntries(items.map((i) => {
      const at = i.indexOf("=");
      return [i.slice(0, at), i.slice(at + 1)];
    }));
  }
  return items;
}

if (import.meta.main) Deno.exit(await runCli(() => main(Deno.args)));
