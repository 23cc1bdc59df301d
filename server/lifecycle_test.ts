/**
 * Graceful shutdown and export: SIGTERM in the middle of a write burst
 * stores every acknowledged write and exits 0; `--export-dir` exports on
 * shutdown; `deno task export` (server/export.ts) works on a stopped
 * server's data directory and refuses a running one's.
 */

import assert from "node:assert/strict";
import { exportStore } from "./export.ts";
import { StorageError } from "./storage.ts";
import { startCluster } from "./testing/cluster.ts";
import { TestClient } from "./testing/client.ts";
import { advertisedAddress } from "./chat_server.ts";

Deno.test("SIGTERM finishes the batch, exports, and exits 0", async () => {
  const exportDir = await Deno.makeTempDir();
  const cluster = await startCluster({
    servers: 1,
    serverArgs: ["--export-dir", exportDir],
  });
  const clients: TestClient[] = [];
  try {
    const endpoint = cluster.server("server_1").endpoint;
    await cluster.call("server_1", "login", { user: "ana" });
    await cluster.call("server_1", "channel", { channel: "geral" });
    const acked = new Set<string>();
    let stopping: Promise<void> | undefined;
    await Promise.all(Array.from({ length: 8 }, async (_, c) => {
      const client = new TestClient(endpoint, 1000);
      clients.push(client);
      for (let i = 0;; i++) {
        try {
          const reply = await client.call("publish", {
            user: "ana",
            channel: "geral",
            message: `c${c} ${i}`,
          });
          if (reply.data.status !== "OK") return;
          acked.add(String(reply.data.id));
        } catch {
          return;
        }
        if (acked.size === 300) stopping = cluster.terminate("server_1");
      }
    }));
    await stopping;
    assert.equal(cluster.server("server_1").exitStatus?.code, 0);

    const data = JSON.parse(await Deno.readTextFile(`${exportDir}/data.json`));
    const exported = new Set(data.messages.map((m: { id: string }) => m.id));
    for (const id of acked) assert.ok(exported.has(id), `${id} exported`);
    assert.deepEqual(data.users, ["ana"]);
    assert.deepEqual(data.channels, ["geral"]);
    const logins = JSON.parse(
      await Deno.readTextFile(`${exportDir}/login.json`),
    );
    assert.equal(logins.length, 1);

    // The export CLI's function on the stopped server's directory.
    const cliDir = await Deno.makeTempDir();
    const counts = await exportStore(
      cluster.server("server_1").dataDir,
      cliDir,
    );
    assert.equal(counts.messages, data.messages.length);
    await Deno.remove(cliDir, { recursive: true });

    // A running server holds the lock.
    await cluster.start("server_1");
    await assert.rejects(
      exportStore(cluster.server("server_1").dataDir, exportDir),
      (e: unknown) => e instanceof StorageError && e.code === "LOCKED",
    );
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
    await Deno.remove(exportDir, { recursive: true });
  }
});

Deno.test("advertisedAddress: wildcard binds advertise 127.0.0.1", () => {
  assert.equal(advertisedAddress("tcp://0.0.0.0:5555"), "tcp://127.0.0.1:5555");
  assert.equal(advertisedAddress("tcp://*:5555"), "tcp://127.0.0.1:5555");
  assert.equal(advertisedAddress("tcp://10.1.2.3:6000"), "tcp://10.1.2.3:6000");
  assert.equal(advertisedAddress("ipc:///tmp/x"), "ipc:///tmp/x");
});
