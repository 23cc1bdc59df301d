/**
 * A server keeps serving while it catches up. Catch-up applies pages of
 * thousands of records, each reply already waiting when the next one is
 * asked for; before the ZeroMQ binding bounded its synchronous progress by
 * time as well as by operations, that ran for seconds on microtasks alone
 * and the server answered nobody (not even its timers: heartbeats, elections)
 * until it had caught up.
 */

import assert from "node:assert/strict";
import type { ChatRecord } from "@agora/shared/record";
import { startCluster } from "./testing/cluster.ts";
import { TestClient } from "./testing/client.ts";
import { Store } from "./storage.ts";

const RECORDS = 100_000;

/** Appends `count` messages of server_1 straight into its (stopped) store. */
function fill(dataDir: string, count: number): number {
  const store = Store.open(dataDir);
  try {
    let seq = store.nextSeq("server_1");
    let clock = store.loadClock() + 1;
    const padding = "x".repeat(80);
    for (let stored = 0; stored < count;) {
      const batch: ChatRecord[] = [];
      for (let i = 0; i < 10_000 && stored + i < count; i++, seq++, clock++) {
        batch.push({
          origin: "server_1",
          seq,
          clock,
          timestamp: 1764190000 + seq / 1e6,
          op: "publish",
          data: {
            user: "ana",
            channel: "geral",
            message: `m ${seq} ${padding}`,
          },
        });
      }
      stored += store.append(batch, { clock }).length;
    }
    return seq - 1;
  } finally {
    store.close();
  }
}

Deno.test("a catching-up server answers requests while it catches up", async () => {
  const cluster = await startCluster({ servers: 1 });
  try {
    await cluster.call("server_1", "login", { user: "ana" });
    await cluster.call("server_1", "channel", { channel: "geral" });
    await cluster.terminate("server_1");
    const last = fill(cluster.server("server_1").dataDir, RECORDS);
    await cluster.start("server_1");

    await cluster.start("server_2");
    const client = new TestClient(cluster.server("server_2").endpoint, 500);
    const partial: number[] = [];
    let longestGapMs = 0;
    let previousMs = performance.now();
    const deadline = previousMs + 60_000;
    try {
      for (;;) {
        assert.ok(performance.now() < deadline, "server_2 never caught up");
        let held: number;
        try {
          const reply = await client.call("status");
          const vector = reply.data.vector as Record<string, number>;
          held = vector.server_1 ?? 0;
        } catch {
          continue; // a timeout; the gap below says how long it was
        } finally {
          const nowMs = performance.now();
          longestGapMs = Math.max(longestGapMs, nowMs - previousMs);
          previousMs = nowMs;
        }
        if (held >= last) break;
        partial.push(held);
      }
    } finally {
      client.close();
    }
    // It answered again and again before holding everything.
    assert.ok(
      partial.length >= 3,
      `only ${partial.length} answers while catching up (longest wait ${
        longestGapMs.toFixed(0)
      } ms)`,
    );
    assert.ok(longestGapMs < 1500, `a status took ${longestGapMs} ms`);
    const [one, two] = await Promise.all([
      cluster.status("server_1"),
      cluster.status("server_2"),
    ]);
    assert.equal(two.digest, one.digest);
  } finally {
    await cluster.stop();
  }
});
