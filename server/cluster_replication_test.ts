/**
 * Replication across real processes: concurrent writes to three servers
 * converge to identical state (digest) and identical history order; a
 * server killed while 1000 messages are written catches up within 5 s of
 * its restart; a brand-new server receives the full state.
 */

import assert from "node:assert/strict";
import { type Cluster, startCluster } from "./testing/cluster.ts";
import { TestClient, waitFor } from "./testing/client.ts";

async function digests(
  cluster: Cluster,
  names: readonly string[],
): Promise<string[]> {
  return await Promise.all(
    names.map(async (name) => (await cluster.status(name)).digest as string),
  );
}

async function converged(
  cluster: Cluster,
  names: readonly string[],
): Promise<boolean> {
  const all = await digests(cluster, names);
  return all.every((digest) => digest === all[0]);
}

/** Every message id of `channel` on `name`, oldest first. */
async function historyIds(
  cluster: Cluster,
  name: string,
  channel: string,
): Promise<string[]> {
  const ids: string[] = [];
  let before: string | undefined;
  for (;;) {
    const reply = await cluster.call(name, "history", {
      channel,
      limit: 1000,
      ...(before === undefined ? {} : { before }),
    });
    const page = reply.data.messages as { id: string }[];
    ids.unshift(...page.map((m) => m.id));
    if (page.length < 1000) return ids;
    before = page[0].id;
  }
}

/** `count` publishes spread over `names`, two clients per server. */
async function write(
  cluster: Cluster,
  names: readonly string[],
  count: number,
  tag: string,
): Promise<void> {
  const clients = names.flatMap((name) =>
    [0, 1].map(() => new TestClient(cluster.server(name).endpoint))
  );
  try {
    let next = 0;
    await Promise.all(clients.map(async (client, c) => {
      for (let i = next++; i < count; i = next++) {
        const reply = await client.call("publish", {
          user: `user_${c % names.length}`,
          channel: "geral",
          message: `${tag} ${i}`,
        });
        assert.equal(reply.data.status, "OK", JSON.stringify(reply.data));
      }
    }));
  } finally {
    for (const client of clients) client.close();
  }
}

Deno.test("replication: convergence, catch-up after a restart, a new server", async () => {
  const cluster = await startCluster({ servers: 3 });
  try {
    const three = ["server_1", "server_2", "server_3"];
    for (const [i, name] of three.entries()) {
      await cluster.call(name, "login", { user: `user_${i}` });
    }
    await cluster.call("server_1", "channel", { channel: "geral" });
    await waitFor("the channel and users everywhere", async () => {
      for (const name of three) {
        const users = (await cluster.call(name, "users")).data
          .users as string[];
        const channels = (await cluster.call(name, "channels")).data
          .channels as string[];
        if (users.length !== 3 || !channels.includes("geral")) return false;
      }
      return true;
    });

    // Concurrent writes to all three, plus private messages.
    await Promise.all([
      write(cluster, three, 600, "concurrent"),
      ...three.map(async (name, i) => {
        for (let k = 0; k < 20; k++) {
          await cluster.call(name, "message", {
            src: `user_${i}`,
            dst: `user_${(i + 1) % 3}`,
            message: `pm ${k}`,
          });
        }
      }),
    ]);
    await waitFor("identical digests", () => converged(cluster, three), 10_000);
    const histories = await Promise.all(
      three.map((name) => historyIds(cluster, name, "geral")),
    );
    assert.equal(histories[0].length, 600);
    assert.deepEqual(histories[1], histories[0], "same order on server_2");
    assert.deepEqual(histories[2], histories[0], "same order on server_3");
    const privates = await Promise.all(
      three.map(async (name) =>
        (await cluster.call(name, "private_history", {
          user1: "user_0",
          user2: "user_1",
        })).data.messages
      ),
    );
    assert.deepEqual(privates[1], privates[0]);
    assert.deepEqual(privates[2], privates[0]);

    // server_2 misses 1000 messages, then catches up.
    await cluster.kill("server_2");
    await write(cluster, ["server_1", "server_3"], 1000, "missed");
    const restartedMs = performance.now();
    await cluster.start("server_2");
    await waitFor(
      "server_2 to catch up",
      () => converged(cluster, three),
      5000,
      25,
    );
    const catchUpMs = performance.now() - restartedMs;
    // Measured from the restart command: process start-up included.
    assert.ok(catchUpMs <= 5000, `catch-up took ${catchUpMs.toFixed(0)} ms`);
    const status2 = await cluster.status("server_2");
    const counts2 = status2.counts as Record<string, number>;
    assert.equal(counts2.messages, 1600);
    assert.equal(counts2.privateMessages, 60);
    assert.ok(
      (status2.events as { type: string; records?: number }[]).some((e) =>
        e.type === "catch_up" && (e.records ?? 0) > 0
      ),
      "the catch-up is in server_2's events",
    );

    // A brand-new server receives the full state.
    await cluster.start("server_4");
    const all = [...three, "server_4"];
    await waitFor(
      "server_4 to hold everything",
      () => converged(cluster, all),
      10_000,
    );
    assert.deepEqual(
      await historyIds(cluster, "server_4", "geral"),
      await historyIds(cluster, "server_1", "geral"),
    );
  } finally {
    await cluster.stop();
  }
});
