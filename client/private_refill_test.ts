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

Deno.test("a private message sent during a proxy outage is eventually shown", async () => {
  const cluster = await startLocalCluster({ servers: 1 });
  const options = { reference: cluster.reference, proxy: cluster.proxySub };
  const ana = new AgoraClient(options);
  const bob = new AgoraClient(options);
  const lines: string[] = [];
  let session: ChatSession | undefined;
  try {
    await bob.login("bob");
    session = await ChatSession.start({
      client: ana,
      user: "ana",
      print: (line) => lines.push(line),
      style: createStyle(false),
    });
    // Live delivery works before the outage.
    await waitFor(
      async () => {
        await bob.message("bob", "ana", "ping");
        await new Promise((r) => setTimeout(r, 200));
        return lines.some((l) => l.includes("ping"));
      },
      10_000,
      "live pm",
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
  } finally {
    session?.close();
    await ana.close();
    await bob.close();
    await cluster.close();
  }
});

Deno.test("a private message from someone new during an outage shows once they are known", async () => {
  const cluster = await startLocalCluster({ servers: 1 });
  const options = { reference: cluster.reference, proxy: cluster.proxySub };
  const ana = new AgoraClient(options);
  const bob = new AgoraClient(options);
  const carol = new AgoraClient(options);
  const lines: string[] = [];
  let session: ChatSession | undefined;
  try {
    await bob.login("bob");
    await carol.login("carol");
    session = await ChatSession.start({
      client: ana,
      user: "ana",
      print: (line) => lines.push(line),
      style: createStyle(false),
    });
    await waitFor(
      async () => {
        await bob.message("bob", "ana", "ping");
        await new Promise((r) => setTimeout(r, 200));
        return lines.some((l) => l.includes("ping"));
      },
      10_000,
      "live pm",
    );
    await cluster.stop("proxy");
    await carol.message("carol", "ana", "new during the outage");
    await cluster.restart("proxy");
    await waitFor(
      async () => {
        await carol.message("carol", "ana", "hello again");
        await new Promise((r) => setTimeout(r, 200));
        return lines.some((l) => l.includes("hello again"));
      },
      10_000,
      "carol live",
    );
    await session.refill();
    const count = (text: string) =>
      lines.filter((l) => l.includes(text)).length;
    assert.equal(count("new during the outage"), 1, lines.join("\n"));
  } finally {
    session?.close();
    await ana.close();
    await bob.close();
    await carol.close();
    await cluster.close();
  }
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
