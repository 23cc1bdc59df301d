import assert from "node:assert/strict";
import { serverAvailable } from "@agora/shared/client/testing";
import { run } from "./core.ts";

Deno.test({
  name:
    "core benchmark runs end to end at a tiny size and reports every target",
  ignore: !serverAvailable,
  async fn() {
    const section = await run({
      clientCounts: [1, 2],
      durationMs: 150,
      warmupMs: 50,
      pacedRatePerSecond: 200,
      pacedCount: 40,
      pacedSenders: 2,
      storedMessages: 1500,
      historyRequests: 4,
      bigStoreDurationMs: 0,
      roundTrips: 0,
      ceilingDurationMs: 200,
      ceilingRounds: 1,
    });
    assert.match(section, /^## Chat core/);
    assert.match(section, /durable publishes\/s per server with 2 clients/);
    assert.match(
      section,
      /p99 delivery < 5 ms at 200 msg\/s \| [\d.]+ ms \(40 of 40 delivered\)/,
    );
    assert.match(
      section,
      /RSS < 200 MB with 1,500 messages stored \| [\d.]+ MiB/,
    );
    // The machine's ceiling: the server and both echoes answered the pyzmq
    // load (CI installs python3-zmq and python3-msgpack).
    assert.match(section, /### What this machine carries/);
    assert.match(
      section,
      /\| the chat server \(durable publishes\) \| \*\*[\d,]+\*\* \|.*\| 0 \|/,
    );
    assert.match(
      section,
      /\| pyzmq ROUTER echo \(no work\) \| \*\*[\d,]+\*\* \| 1\.00× \|/,
    );
    assert.match(
      section,
      /\| ROUTER echo on this binding \(no work\) \| \*\*[\d,]+\*\* \|/,
    );
    assert.match(
      section,
      /The target of 20,000 publishes\/s is [\d.]+× the pyzmq echo's median here\. Per request the echo takes [\d.]+ µs .*(µs on top of the echo|leaves nothing to add)/,
    );
    assert.doesNotMatch(section, /NaN/);
  },
});
