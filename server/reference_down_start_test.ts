import assert from "node:assert/strict";
import { startCluster } from "./testing/cluster.ts";
import { waitFor } from "./testing/client.ts";

Deno.test("servers started while the reference is down elect from their last rank and list", async () => {
  const cluster = await startCluster({ servers: 2 });
  const coordinators = async () =>
    await Promise.all(
      ["server_1", "server_2"].map(async (name) =>
        (await cluster.status(name)).coordinator
      ),
    );
  try {
    await waitFor(
      "both servers to follow server_1",
      async () =>
        (await coordinators()).every((c) => c === "server_1") || undefined,
      15_000,
    );
    await cluster.kill("server_1");
    await cluster.kill("server_2");
    await cluster.killReference(false);
    // `start` waits until a server reports a rank: here, its saved one.
    await cluster.start("server_2");
    await cluster.start("server_1");
    assert.equal((await cluster.status("server_2")).rank, 2);
    await waitFor(
      "the restarted servers to agree on server_1",
      async () =>
        (await coordinators()).every((c) => c === "server_1") || undefined,
      15_000,
    );
    // Replication finds its peers from the saved list too.
    const login = await cluster.call("server_2", "login", { user: "ana" });
    assert.equal(login.data.status, "sucesso");
    await waitFor("ana on server_1", async () => {
      const users = (await cluster.call("server_1", "users")).data
        .users as string[];
      return users.includes("ana") || undefined;
    }, 10_000);
  } finally {
    await cluster.stop();
  }
});
