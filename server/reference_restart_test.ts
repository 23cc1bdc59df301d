/**
 * The reference can die and come back: servers keep serving clients while
 * it is down (their requests to it time out and their sockets are
 * replaced), register again when it returns, and keep their ranks.
 */

import assert from "node:assert/strict";
import { startCluster } from "./testing/cluster.ts";
import { TestClient, waitFor } from "./testing/client.ts";

Deno.test("a reference restart keeps every rank and serving never stops", async () => {
  const cluster = await startCluster({ servers: 2 });
  const reference = new TestClient(cluster.reference, 1000);
  try {
    const ranks = async () =>
      Object.fromEntries(
        await Promise.all(
          ["server_1", "server_2"].map(async (name) => [
            name,
            (await cluster.status(name)).rank,
          ]),
        ),
      );
    const before = await ranks();
    assert.deepEqual(new Set(Object.values(before)), new Set([1, 2]));

    await cluster.killReference(false);
    await waitFor(
      "the servers to notice the reference is down",
      async () => (await cluster.status("server_1")).referenceUp === false,
      10_000,
    );
    // Clients are served while the reference is down.
    assert.equal(
      (await cluster.call("server_1", "login", { user: "ana" })).data.status,
      "sucesso",
    );
    await cluster.call("server_1", "channel", { channel: "geral" });
    assert.equal(
      (await cluster.call("server_1", "publish", {
        user: "ana",
        channel: "geral",
        message: "while the reference is down",
      })).data.status,
      "OK",
    );

    await cluster.startReference();
    const listed = await waitFor("both servers listed again", async () => {
      const reply = await reference.call("list");
      const list = reply.data.list as {
        name: string;
        rank: number;
        address?: string;
      }[];
      return list.length === 2 ? list : undefined;
    }, 10_000);
    for (const entry of listed) {
      assert.equal(
        entry.rank,
        before[entry.name],
        `${entry.name} keeps its rank`,
      );
      assert.equal(entry.address, cluster.server(entry.name).endpoint);
    }
    await waitFor(
      "the servers to see the reference again",
      async () => (await cluster.status("server_2")).referenceUp === true,
    );
    assert.deepEqual(await ranks(), before);
  } finally {
    reference.close();
    await cluster.stop();
  }
});
