/**
 * A post retried on another server (Lazy Pirate: the first server's reply
 * was lost) is stored once: the `request_id` it carries reached the second
 * server with the replicated record, which answers with the stored post.
 */

import assert from "node:assert/strict";
import { startCluster } from "./testing/cluster.ts";
import { waitFor } from "./testing/client.ts";

Deno.test("a post retried on another server with its request_id is stored once", async () => {
  const cluster = await startCluster({ servers: 2 });
  try {
    await cluster.call("server_1", "login", { user: "ana" });
    await cluster.call("server_1", "channel", { channel: "geral" });
    const post = {
      user: "ana",
      channel: "geral",
      message: "only once",
      request_id: "9b2c6f0e-retry",
    };
    const first = await cluster.call("server_1", "publish", post);
    assert.equal(first.data.status, "OK");
    const messages = async (name: string) =>
      ((await cluster.status(name)).counts as Record<string, number>).messages;
    await waitFor(
      "the post on server_2",
      async () => await messages("server_2") === 1,
    );
    const retried = await cluster.call("server_2", "publish", post);
    assert.deepEqual(
      { status: retried.data.status, id: retried.data.id },
      { status: "OK", id: first.data.id },
    );
    const history = await cluster.call("server_2", "history", {
      channel: "geral",
    });
    assert.deepEqual(
      (history.data.messages as { id: string }[]).map((m) => m.id),
      [first.data.id],
    );
    assert.equal(await messages("server_1"), 1);
    assert.equal(await messages("server_2"), 1);
    // A new key is a new post.
    const next = await cluster.call("server_2", "publish", {
      ...post,
      request_id: "9b2c6f0e-next",
    });
    assert.notEqual(next.data.id, first.data.id);
  } finally {
    await cluster.stop();
  }
});
