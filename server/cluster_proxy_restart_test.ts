/**
 * Replication survives a proxy restart during traffic: publications lost
 * while the proxy is down (including the last ones, which no later record
 * reveals) are repaired by catch-up and anti-entropy (`sync_state` polls).
 */

import assert from "node:assert/strict";
import { type Cluster, startCluster } from "./testing/cluster.ts";
import { delay, TestClient, waitFor } from "./testing/client.ts";

async function converged(
  cluster: Cluster,
  names: readonly string[],
): Promise<boolean> {
  const all = await Promise.all(
    names.map(async (name) => (await cluster.status(name)).digest),
  );
  return all.every((digest) => digest === all[0]);
}

Deno.test("a proxy restart during traffic still converges", async () => {
  const cluster = await startCluster({ servers: 3 });
  const names = ["server_1", "server_2", "server_3"];
  const clients = names.map((name) =>
    new TestClient(cluster.server(name).endpoint)
  );
  try {
    for (const [i, client] of clients.entries()) {
      await client.call("login", { user: `user_${i}` });
    }
    await clients[0].call("channel", { channel: "geral" });
    await waitFor("the channel everywhere", async () => {
      for (const client of clients) {
        const reply = await client.call("channels");
        if (!(reply.data.channels as string[]).includes("geral")) return false;
      }
      return true;
    });

    let writing = true;
    let written = 0;
    const writers = clients.map(async (client, i) => {
      while (writing) {
        const reply = await client.call("publish", {
          user: `user_${i}`,
          channel: "geral",
          message: `m ${written}`,
        });
        assert.equal(reply.data.status, "OK");
        written++;
      }
    });
    await waitFor("some traffic", () => written > 200);
    await cluster.killProxy(false);
    // The outage itself, not a synchronisation: publications sent while the
    // proxy is down are lost, which is what catch-up must repair.
    await delay(300);
    await cluster.startProxy();
    const restartedAt = written;
    await waitFor(
      "traffic after the restart",
      () => written > restartedAt + 200,
    );
    writing = false;
    await Promise.all(writers);

    const stoppedMs = performance.now();
    await waitFor(
      "identical digests",
      () => converged(cluster, names),
      10_000,
      50,
    );
    const took = performance.now() - stoppedMs;
    assert.ok(took < 10_000, `converged after ${took.toFixed(0)} ms`);
    const counts = await Promise.all(
      names.map(async (name) =>
        ((await cluster.status(name)).counts as Record<string, number>).messages
      ),
    );
    assert.deepEqual(counts, [written, written, written]);
    let fetched = 0;
    for (const name of names) {
      const status = await cluster.status(name);
      fetched += (status.replication as { fetched: number }).fetched;
    }
    assert.ok(fetched > 0, "records lost with the proxy were fetched again");
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
});
