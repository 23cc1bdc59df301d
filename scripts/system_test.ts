/**
 * The acceptance suite in `deno task test`: a real cluster (reference,
 * proxy, three servers, two bots as separate processes, started by the
 * local runner in a temporary root on free ports) must pass all nine
 * checks, including the disruptive ones; then, with a server stopped, the
 * "servers" check must fail.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startOwnCluster } from "./acceptance/own_cluster.ts";
import { formatResult } from "./acceptance/report.ts";
import { ACCEPTANCE_CHECKS, runAcceptance } from "./acceptance/suite.ts";
import type { TestResult } from "./acceptance/types.ts";

Deno.test("the acceptance suite passes against a real cluster, and fails without a server", async () => {
  const cluster = await startOwnCluster({ keepRoot: false });
  try {
    const results: TestResult[] = [];
    const summary = await runAcceptance({
      endpoints: cluster.endpoints,
      secret: cluster.secret,
      bots: cluster.bots,
      disruptive: true,
      control: cluster.control,
      onResult: (r) => results.push(r),
    });
    const report = results.map((r) => formatResult(r)).join("\n");
    assert.equal(summary.total, ACCEPTANCE_CHECKS.length);
    assert.equal(summary.passed, summary.total, report);
    assert.match(summary.tests[ACCEPTANCE_CHECKS[3].name].message, /stopped/);

    await cluster.control.stop("server_3");
    const broken = await runAcceptance({
      endpoints: cluster.endpoints,
      secret: cluster.secret,
      only: ["servers"],
      timeScale: 0.3,
    });
    const [servers] = Object.values(broken.tests);
    assert.equal(servers.passed, false);
    assert.match(servers.message, /server_3/);
  } finally {
    await cluster.close();
  }
});
