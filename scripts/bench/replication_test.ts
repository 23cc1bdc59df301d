import assert from "node:assert/strict";
import { serverAvailable } from "@agora/shared/client/testing";
import { run } from "./replication.ts";

Deno.test({
  name:
    "replication benchmark runs end to end at a tiny size and reports every target",
  ignore: !serverAvailable,
  async fn() {
    const section = await run({
      lagRatePerSecond: 200,
      lagCount: 40,
      lagSenders: 2,
      catchUpMessages: 200,
      catchUpClients: 4,
      electionTrials: 1,
    });
    assert.match(section, /^## Coordination and replication/);
    assert.match(
      section,
      /replication lag p99 < 50 ms at 200 writes\/s \| [\d.]+ ms .*0 unseen/,
    );
    assert.match(
      section,
      /catch-up ≥ 50,000 records\/s \| [\d,]+ \/s \(200 records;/,
    );
    assert.match(
      section,
      /new coordinator < 3 s .* \| worst \d+ ms of 1 trials/,
    );
    assert.doesNotMatch(section, /NaN/);
  },
});
