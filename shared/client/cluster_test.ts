/**
 * The client library against real reference, proxy and server processes.
 * Skipped (with a message) while `server/main.ts` does not exist.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { AgoraClient } from "./agora_client.ts";
import { AgoraError } from "./errors.ts";
import {
  type LocalCluster,
  serverAvailable,
  startLocalCluster,
} from "./testing/local_cluster.ts";
import { waitFor } from "./testing/wait_for.ts";

if (!serverAvailable) {
  console.warn("cluster_test: server/main.ts is missing; skipping.");
}

async function withCluster(
  servers: number,
  test: (cluster: LocalCluster) => Promise<void>,
): Promise<void> {
  const cluster = await startLocalCluster({ servers });
  try {
    await test(cluster);
  } catch (error) {
    const outputs = cluster.servers.map((s) =>
      `--- ${s.name}:\n${cluster.output(s.name).slice(-3000)}`
    );
    throw new Error(`${error}\n${outputs.join("\n")}`, { cause: error });
  } finally {
    await cluster.close();
  }
}

/** Publishes probes in `channel` until one comes back live. */
async function confirmLive(
  client: AgoraClient,
  user: string,
  channel: string,
): Promise<void> {
  let seen = false;
  const probe = client.onChannel(channel, () => seen = true);
  try {
    await waitFor(
      async () => {
        if (!seen) await client.publish(user, channel, "probe");
        return seen;
      },
      10_000,
      `live messages in "${channel}"`,
      50,
    );
  } finally {
    probe.close();
  }
}

Deno.test({
  name:
    "client library against a real cluster: requests, live messages, exact topics, history",
  ignore: !serverAvailable,
  async fn() {
    await withCluster(1, async (cluster) => {
      const client = new AgoraClient({
        reference: cluster.reference,
        proxy: cluster.proxySub,
        timeoutMs: 2000,
      });
      try {
        for (const user of ["ana", "Lu", "Lucas"]) await client.login(user);
        assertEquals(client.servers, [cluster.servers[0].endpoint]);
        const users = await client.users();
        assertEquals(
          ["Lu", "Lucas", "ana"].every((u) => users.includes(u)),
          true,
        );
        await client.createChannel("general", "ana");
        assertEquals((await client.channels()).includes("general"), true);
        const taken = await client.createChannel("general").catch((e) => e);
        assertEquals(taken instanceof AgoraError && taken.code, "rejected");
        await client.subscribe("ana", "general");

        const live: string[] = [];
        client.onChannel("general", (m) => live.push(m.id));
        await confirmLive(client, "ana", "general");
        const sent = await client.publish("ana", "general", "hello, world");
        assertEquals(typeof sent.id, "string");
        await waitFor(() => live.includes(sent.id!), 5000, "the live message");

        const history = await client.history("general", { limit: 5 });
        const stored = history.find((m) => m.id === sent.id);
        assertEquals(stored?.message, "hello, world");
        assertEquals(stored?.user, "ana");
        // Every clock received was merged into ours.
        assertEquals(client.clock.value > stored!.clock, true);

        // Exact topics: a private message to Lucas never reaches Lu.
        const forLu: string[] = [];
        const forLucas: string[] = [];
        client.onPrivate("Lu", (m) => forLu.push(m.message));
        client.onPrivate("Lucas", (m) => forLucas.push(m.message));
        await waitFor(
          async () => {
            if (forLu.length === 0) {
              await client.message("ana", "Lu", "ping Lu");
            }
            return forLu.length > 0;
          },
          10_000,
          "a private message to Lu",
        );
        await client.message("ana", "Lucas", "for Lucas only");
        await client.message("ana", "Lu", "last for Lu");
        await waitFor(
          () => forLu.includes("last for Lu") && forLucas.length > 0,
          5000,
          "the private messages",
        );
        assertEquals(forLu.includes("for Lucas only"), false);
        assertEquals(forLucas, ["for Lucas only"]);
        const conversation = await client.privateHistory("Lucas", "ana");
        assertEquals(conversation.map((m) => m.message), ["for Lucas only"]);

        const unknown = await client.publish("ana", "nowhere", "x").catch((
          e,
        ) => e);
        assertEquals(unknown instanceof AgoraError && unknown.code, "rejected");
        assertEquals(client.feed.stats.malformed, 0);
      } finally {
        await client.close();
      }
    });
  },
});

Deno.test({
  name:
    "client library fails over when its server dies, and the data is still there",
  ignore: !serverAvailable,
  async fn() {
    await withCluster(2, async (cluster) => {
      const client = new AgoraClient({
        reference: cluster.reference,
        servers: cluster.servers.map((s) => s.endpoint),
        timeoutMs: 500,
      });
      try {
        await client.login("ana");
        await client.createChannel("room", "ana");
        const first = await client.publish("ana", "room", "before the crash");
        const victim = cluster.servers.find((s) =>
          s.endpoint === client.currentServer
        )!;
        const survivor = cluster.servers.find((s) => s !== victim)!;
        // Replication done: the survivor has the message before we kill.
        await waitFor(
          async () => {
            const answer = await client.requestTo(
              survivor.endpoint,
              "history",
              { channel: "room" },
            );
            const data = answer.reply.data;
            return "messages" in data &&
              data.messages.some((m) => m.id === first.id);
          },
          10_000,
          "replication to the survivor",
        );
        await cluster.stop(victim.name);
        const second = await client.publish("ana", "room", "after the crash");
        assertEquals(client.currentServer, survivor.endpoint);
        assertEquals(second.endpoint, survivor.endpoint);
        const texts = (await client.history("room")).map((m) => m.message);
        assertEquals(texts, ["before the crash", "after the crash"]);
      } finally {
        await client.close();
      }
    });
  },
});
