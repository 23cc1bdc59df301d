import assert from "node:assert/strict";
import { serverAvailable } from "@agora/shared/client/testing";
import type { CatchUpResult } from "./lib/catch_up.ts";
import { catchUpRate, medianTrialIndex } from "./lib/replication_report.ts";
import { run } from "./replication.ts";

function trial(
  serverRecordsPerSecond: number,
  endToEndRecordsPerSecond = 1,
): CatchUpResult {
  return {
    lagging: "server_3",
    written: 100,
    writesPerSecond: 1000,
    missing: 100,
    startupMs: 1,
    serverCatchUpMs: 100_000 / serverRecordsPerSecond,
    serverRecordsPerSecond,
    endToEndMs: 100_000 / endToEndRecordsPerSecond,
    endToEndRecordsPerSecond,
    digestExtraMs: 1,
    fetched: 100,
    cpuSeconds: { server_3: 1 },
  };
}

Deno.test("catch-up trials are judged by the median trial's server-side rate", () => {
  assert.equal(medianTrialIndex([trial(48_000)]), 0);
  assert.equal(
    medianTrialIndex([trial(53_000), trial(43_000), trial(49_000)]),
    2,
  );
  // Nearest rank: the lower middle one of an even count.
  assert.equal(
    medianTrialIndex([trial(53_000), trial(43_000), trial(49_000), trial(1)]),
    1,
  );
  // No server-side time in the log: the end-to-end rate stands in.
  assert.equal(catchUpRate(trial(NaN, 40_000)), 40_000);
  assert.equal(
    medianTrialIndex([trial(NaN, 40_000), trial(60_000), trial(50_000)]),
    2,
  );
  assert.throws(() => medianTrialIndex([]), RangeError);
});

Deno.test({
  name:
    "replication benchmark runs end to end at a tiny size and reports every target",
  ignore: !serverAvailable,
  async fn() {
    const section = await run({
      lagRatePerSecond: 200,
      lagCount: 40,
      lagWarmupCount: 20,
      lagSenders: 2,
      catchUpMessages: 200,
      catchUpClients: 4,
      catchUpTrials: 2,
      electionTrials: 1,
    });
    assert.match(section, /^## Coordination and replication/);
    assert.match(
      section,
      /replication lag p99 < 50 ms at 200 writes\/s \| [\d.]+ ms .*0 unseen/,
    );
    assert.match(
      section,
      /catch-up ≥ 50,000 records\/s \| [\d,]+ \/s, median of 2 trials: [\d,]+ \/ [\d,]+ \(200 records each;/,
    );
    // One table row per catch-up trial, the median one marked.
    assert.match(section, /^\| 1( \(median\))? \| 200 \| /m);
    assert.match(section, /^\| 2( \(median\))? \| 200 \| /m);
    assert.match(section, /\| \d \(median\) \| 200 \| .*\*\*[\d,]+\*\*/);
    assert.match(section, /Where the time goes \(trial \d, the median of 2\)/);
    assert.match(
      section,
      /pages of at most 2,000 records .* up to 2 consecutive pages/,
    );
    assert.match(
      section,
      /new coordinator < 3 s .* \| worst \d+ ms of 1 trials/,
    );
    assert.doesNotMatch(section, /NaN/);
  },
});
