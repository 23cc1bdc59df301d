/**
 * A private message stored while the proxy is down never arrives live:
 * refill() must find it in the conversation's history. Real reference,
 * proxy and server.
 */

import assert from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import { startLocalCluster, waitFor } from "@agora/shared/client/testing";
import { createStyle } from "./format.ts";
import type { PrivateMessage } from "@agora/shared/protocol";
import { ChatSession, PRIVATE_REFILL_SLACK_SECONDS } from "./session.ts";

/**
 * A real cluster, `ana`'s chat session printing into `lines`, and a logged-in
 * client for each of `others`; everything is closed after `body`.
 */
async function withSession(
  others: string[],
  body: (
    cluster: Awaited<ReturnType<typeof startLocalCluster>>,
    session: ChatSession,
    clients: Record<string, AgoraClient>,
    lines: string[],
  ) => Promise<void>,
): Promise<void> {
  const cluster = await startLocalCluster({ servers: 1 });
  const options = { reference: cluster.reference, proxy: cluster.proxySub };
  const ana = new AgoraClient(options);
  const clients: Record<string, AgoraClient> = {};
  const lines: string[] = [];
  let session: ChatSession | undefined;
  try {
    for (const name of others) {
      clients[name] = new AgoraClient(options);
      await clients[name].login(name);
    }
    session = await ChatSession.start({
      client: ana,
      user: "ana",
      print: (line) => lines.push(line),
      style: createStyle(false),
    });
    await body(cluster, session, clients, lines);
  } finally {
    session?.close();
    await ana.close();
    for (const client of Object.values(clients)) await client.close();
    await cluster.close();
  }
}

/**
 * Sends with `send` until a line with `text` shows: a private feed's
 * subscription reaches the proxy a moment after it is opened.
 */
async function sendUntilShown(
  send: () => Promise<unknown>,
  lines: string[],
  text: string,
): Promise<void> {
  const shown = () => lines.some((line) => line.includes(text));
  await waitFor(
    async () => {
      await send();
      return await waitFor(shown, 300, text).then(() => true, () => false);
    },
    10_000,
    `"${text}" shown live`,
  );
}

Deno.test("a private message sent during a proxy outage is eventually shown", async () => {
  await withSession(["bob"], async (cluster, session, { bob }, lines) => {
    // Live delivery works before the outage.
    await sendUntilShown(
      () => bob.message("bob", "ana", "ping"),
      lines,
      "ping",
    );
    await cluster.stop("proxy");
    await bob.message("bob", "ana", "sent during the outage");
    await cluster.restart("proxy");
    // The interactive client calls refill() every 5 s.
    const before = lines.length;
    // Pings sent before ana's feed was ready are due too.
    assert.ok(await session.refill() >= 1);
    assert.equal(
      lines.slice(before).filter((l) => l.includes("sent during the outage"))
        .length,
      1,
      `screen was:\n${lines.join("\n")}`,
    );
    assert.equal(await session.refill(), 0, "never shown twice");
  });
});

Deno.test("a private message from someone new during an outage shows once they are known", async () => {
  await withSession(
    ["bob", "carol"],
    async (cluster, session, { bob, carol }, lines) => {
      await sendUntilShown(
        () => bob.message("bob", "ana", "ping"),
        lines,
        "ping",
      );
      await cluster.stop("proxy");
      await carol.message("carol", "ana", "new during the outage");
      await cluster.restart("proxy");
      await sendUntilShown(
        () => carol.message("carol", "ana", "hello again"),
        lines,
        "hello again",
      );
      await session.refill();
      const count = (text: string) =>
        lines.filter((l) => l.includes(text)).length;
      assert.equal(count("new during the outage"), 1, lines.join("\n"));
    },
  );
});

Deno.test("private refill shows nothing stamped well before the session started", async () => {
  const startSeconds = 1_700_000_100;
  const pm = (seq: number, timestamp: number): PrivateMessage => ({
    id: `server_1:${seq}`,
    src: "bob",
    dst: "ana",
    user: "bob",
    message: `pm ${seq}`,
    timestamp,
    clock: seq,
    server: "server_1",
  });
  const stored = [
    pm(1, startSeconds - PRIVATE_REFILL_SLACK_SECONDS - 1),
    pm(2, startSeconds + 1),
    pm(3, startSeconds + 2),
  ];
  let deliver: ((message: PrivateMessage) => void) | undefined;
  const client = {
    clock: { value: 0 },
    login: () => Promise.resolve(),
    onPrivate: (_user: string, onMessage: (m: PrivateMessage) => void) => {
      deliver = onMessage;
      return { close() {} };
    },
    privateHistory: () => Promise.resolve(stored),
  } as unknown as AgoraClient;
  const lines: string[] = [];
  const session = await ChatSession.start({
    client,
    user: "ana",
    print: (line) => lines.push(line),
    style: createStyle(false),
    nowMs: () => startSeconds * 1000,
  });
  try {
    deliver!(stored[2]); // live: bob is now a correspondent
    assert.equal(await session.refill(), 1, "pm 2, missed live");
    assert.ok(lines.some((l) => l.includes("pm 2")));
    assert.ok(!lines.some((l) => l.includes("pm 1")), "older history");
    assert.equal(await session.refill(), 0);
  } finally {
    session.close();
  }
});
