/**
 * Durability of acknowledgements: a server is SIGKILLed in the middle of a
 * burst of concurrent writes; every write it acknowledged is in its store
 * afterwards, the store is intact, the restarted server serves them and its
 * Lamport clock did not go backwards.
 */

import assert from "node:assert/strict";
import { Store } from "./storage.ts";
import { startCluster } from "./testing/cluster.ts";
import { TestClient, waitFor } from "./testing/client.ts";

const CLIENTS = 16;
const ROUNDS = 2;
const ACKS_BEFORE_KILL = 1500;

Deno.test("kill -9 during a write burst loses no acknowledged write", async () => {
  const cluster = await startCluster({ servers: 1 });
  const clients: TestClient[] = [];
  try {
    await cluster.call("server_1", "login", { user: "writer" });
    await cluster.call("server_1", "channel", { channel: "burst" });
    const acked = new Map<string, string>();
    let highestClock = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const endpoint = cluster.server("server_1").endpoint;
      let acksThisRound = 0;
      let killing: Promise<void> | undefined;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const client = new TestClient(endpoint, 1500);
          clients.push(client);
          for (let i = 0;; i++) {
            const message = `r${round} c${c} #${i}`;
            let reply;
            try {
              reply = await client.call("publish", {
                user: "writer",
                channel: "burst",
                message,
              });
            } catch {
              return; // The server died: this write was not acknowledged.
            }
            if (reply.data.status !== "OK") return;
            acked.set(String(reply.data.id), message);
            highestClock = Math.max(highestClock, reply.data.clock as number);
            if (++acksThisRound === ACKS_BEFORE_KILL) {
              killing = cluster.kill("server_1");
            }
          }
        }),
      );
      await killing;
      for (const client of clients.splice(0)) client.close();

      // Offline check of the store the dead server left behind.
      const store = Store.open(cluster.server("server_1").dataDir);
      try {
        assert.equal(store.integrityCheck(), "ok");
        const stored = new Map<string, string>();
        let before: string | undefined;
        for (;;) {
          const page = store.channelHistory("burst", { limit: 1000, before });
          for (const m of page) stored.set(m.id, m.message);
          if (page.length < 1000) break;
          before = page[0].id;
        }
        for (const [id, message] of acked) {
          assert.equal(stored.get(id), message, `acknowledged ${id} is stored`);
        }
        assert.ok(store.loadClock() >= highestClock, "the clock was saved");
      } finally {
        store.close();
      }

      await cluster.start("server_1");
      const after = await waitFor(
        "the restarted server",
        () => cluster.call("server_1", "users"),
      );
      assert.ok(
        (after.data.clock as number) > highestClock,
        "the Lamport clock never goes backwards",
      );
    }
    const counts = (await cluster.status("server_1")).counts as Record<
      string,
      number
    >;
    assert.ok(counts.messages >= acked.size);
    assert.ok(acked.size >= ROUNDS * ACKS_BEFORE_KILL);
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
});
