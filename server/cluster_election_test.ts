/**
 * Bully election across real processes: the lowest rank leads; killing it
 * makes the live servers agree on the next one within 3 s; a returning
 * lower-rank server takes over cleanly; a new server learns the current
 * coordinator instead of electing itself; a dead coordinator's signed
 * announcement, replayed while still fresh, does not keep it in office.
 */

import assert from "node:assert/strict";
import { encodeValue } from "@agora/shared/protocol";
import { Publisher } from "@agora/shared/zmq";
import { type Cluster, startCluster } from "./testing/cluster.ts";
import { delay, TopicCollector, waitFor } from "./testing/client.ts";

async function coordinators(
  cluster: Cluster,
  names: readonly string[],
): Promise<(string | null)[]> {
  return await Promise.all(
    names.map(async (name) => {
      try {
        return (await cluster.status(name)).coordinator as string | null;
      } catch {
        return null;
      }
    }),
  );
}

async function agreed(
  cluster: Cluster,
  names: readonly string[],
  expected: string,
): Promise<boolean> {
  return (await coordinators(cluster, names)).every((c) => c === expected);
}

Deno.test("bully election: failover within 3 s, clean takeover, late joiners learn", async () => {
  const cluster = await startCluster({ servers: 3 });
  try {
    const all = ["server_1", "server_2", "server_3"];
    for (const name of all) {
      assert.equal((await cluster.status(name)).rank, Number(name.slice(-1)));
    }
    await waitFor(
      "everyone to follow server_1",
      () => agreed(cluster, all, "server_1"),
      10_000,
    );

    // Failover.
    const killedMs = performance.now();
    await cluster.kill("server_1");
    await waitFor(
      "server_2 and server_3 to agree on server_2",
      () => agreed(cluster, ["server_2", "server_3"], "server_2"),
      5000,
      25,
    );
    const failoverMs = performance.now() - killedMs;
    assert.ok(failoverMs <= 3000, `agreement took ${failoverMs.toFixed(0)} ms`);

    // The returning top-rank server takes over, and everyone stays there.
    await cluster.start("server_1");
    await waitFor(
      "everyone to follow server_1 again",
      () => agreed(cluster, all, "server_1"),
      5000,
    );
    for (let i = 0; i < 10; i++) {
      await delay(150);
      assert.deepEqual(
        await coordinators(cluster, all),
        ["server_1", "server_1", "server_1"],
        "the takeover is stable",
      );
    }

    // A new, lower-priority server learns the coordinator.
    await cluster.start("server_4");
    await waitFor(
      "server_4 to follow server_1",
      () => agreed(cluster, ["server_4"], "server_1"),
      5000,
    );
    const status4 = await cluster.status("server_4");
    assert.equal(status4.rank, 4);
    assert.deepEqual(await coordinators(cluster, all), [
      "server_1",
      "server_1",
      "server_1",
    ]);
    const events = (await cluster.status("server_2")).events as {
      type: string;
      coordinator?: string;
      seq: number;
    }[];
    assert.ok(
      events.some((e) => e.type === "election" && e.coordinator === "server_2"),
      "server_2's events show its own election",
    );
    assert.deepEqual(
      events.map((e) => e.seq),
      [...events.map((e) => e.seq)].sort((a, b) => a - b),
    );
  } finally {
    await cluster.stop();
  }
});

Deno.test("bully election without the proxy: the coordinator is kept, and a failover still agrees", async () => {
  const cluster = await startCluster({ servers: 3 });
  try {
    const all = ["server_1", "server_2", "server_3"];
    await waitFor(
      "everyone to follow server_1",
      () => agreed(cluster, all, "server_1"),
      10_000,
    );
    // Announcements travel through the proxy. Without it, followers must
    // keep their coordinator by asking it directly, for longer than a lease.
    await cluster.killProxy(false);
    const watchUntil = performance.now() + 4000; // > 2 leases (1.5 s)
    while (performance.now() < watchUntil) {
      assert.deepEqual(
        await coordinators(cluster, all),
        ["server_1", "server_1", "server_1"],
      );
      await delay(100);
    }
    // The coordinator dies while the proxy is still down: the survivors
    // agree on the next one with no announcement able to reach them.
    const killedMs = performance.now();
    await cluster.kill("server_1");
    await waitFor(
      "server_2 and server_3 to agree on server_2 without the proxy",
      () => agreed(cluster, ["server_2", "server_3"], "server_2"),
      8000,
      25,
    );
    const failoverMs = performance.now() - killedMs;
    assert.ok(failoverMs <= 4000, `agreement took ${failoverMs.toFixed(0)} ms`);
    await cluster.startProxy();
    await waitFor(
      "agreement on server_2 with the proxy back",
      () => agreed(cluster, ["server_2", "server_3"], "server_2"),
      5000,
    );
  } finally {
    await cluster.stop();
  }
});

Deno.test("bully election: a replayed signed announcement of a dead coordinator does not delay failover", async () => {
  const cluster = await startCluster({ servers: 3 });
  const collector = new TopicCollector(cluster.proxySub, ["servers"]);
  const publisher = new Publisher({ linger: 0 });
  publisher.connect(cluster.proxyPub);
  let replaying: ReturnType<typeof setInterval> | undefined;
  try {
    await waitFor(
      "everyone to follow server_1",
      async () =>
        (await agreed(
          cluster,
          ["server_1", "server_2", "server_3"],
          "server_1",
        )) ||
        undefined,
    );
    const captured = await waitFor("a signed announcement of server_1", () => {
      const item = collector.on("servers").map((p) => p.payload).find((p) => {
        const data = p.data as Record<string, unknown> | undefined;
        return data?.coordinator === "server_1" && data.auth !== undefined;
      });
      return Promise.resolve(item);
    });
    const frames = [
      new TextEncoder().encode("servers"),
      encodeValue(captured),
    ];
    await cluster.kill("server_1");
    const killedAt = performance.now();
    // Replay the captured announcement (signature still fresh) every 200 ms.
    replaying = setInterval(() => void publisher.send(frames), 200);
    await waitFor(
      "server_2 and server_3 to agree on server_2",
      async () =>
        (await agreed(cluster, ["server_2", "server_3"], "server_2")) ||
        undefined,
      10_000,
    );
    const failoverMs = performance.now() - killedAt;
    // Without ordering by the signed clock the replay held them for ~60 s.
    assert.ok(failoverMs < 6_000, `failover took ${failoverMs} ms`);
  } finally {
    if (replaying !== undefined) clearInterval(replaying);
    publisher.close();
    await collector.close();
    await cluster.stop();
  }
});
