/**
 * A legal but absurd Lamport clock (near 2^53) from a client cannot push
 * the cluster's clocks to the largest exact integer, where they would stop
 * increasing and lock every client out (see `LamportClock.receiveUntrusted`).
 */

import assert from "node:assert/strict";
import { CLOCK_LEAD_MAX } from "@agora/shared/lamport";
import { startCluster } from "./testing/cluster.ts";
import { TestClient, waitFor } from "./testing/client.ts";

const HUGE = Number.MAX_SAFE_INTEGER - 10;

Deno.test("a client's clock near 2^53 advances servers and the reference by at most the cap", async () => {
  const cluster = await startCluster({ servers: 2 });
  const reference = new TestClient(cluster.reference);
  try {
    const stamp = () => ({ timestamp: Date.now() / 1000, clock: HUGE });
    const client = cluster.client("server_1");
    const users = await client.call("users", stamp(), { stamp: false });
    assert.equal(users.service, "users");
    assert.ok((users.data.clock as number) <= 2 * CLOCK_LEAD_MAX);

    // Served as usual, and the clocks that follow are still exact and rising.
    const login = await client.call("login", { user: "ana", ...stamp() }, {
      stamp: false,
    });
    assert.equal(login.data.status, "sucesso");
    await waitFor(
      "server_2 to hold the user",
      async () =>
        ((await cluster.status("server_2")).counts as { users: number })
          .users === 1,
    );
    for (const name of ["server_1", "server_2"]) {
      const lamport = (await cluster.status(name)).lamport as number;
      assert.ok(lamport < 3 * CLOCK_LEAD_MAX, `${name} at ${lamport}`);
    }

    const list = await reference.call("list", stamp(), { stamp: false });
    assert.equal(list.service, "list");
    const first = list.data.clock as number;
    assert.ok(first <= 3 * CLOCK_LEAD_MAX, `reference at ${first}`);
    const again = await reference.call("list");
    assert.ok((again.data.clock as number) > first);
    assert.ok(Number.isSafeInteger(again.data.clock));
  } finally {
    reference.close();
    await cluster.stop();
  }
});
