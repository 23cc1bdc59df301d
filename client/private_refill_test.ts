/**
 * A private message stored while the proxy is down never arrives live:
 * refill() must find it in the conversation's history. Real reference,
 * proxy and server.
 */

import assert from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import { startLocalCluster, waitFor } from "@agora/shared/client/testing";
import { createStyle } from "./format.ts";
import { ChatSession } from "./session.ts";

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
    assert.equal(await session.refill(), 1);
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
