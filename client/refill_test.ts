/**
 * `ChatSession.refill()` shows the messages a joined channel stored while
 * they could not arrive live (the proxy was down), once, and nothing older
 * than what the join showed. Real reference, proxy and server processes.
 */

import assert from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import { startLocalCluster } from "@agora/shared/client/testing";
import { createStyle } from "./format.ts";
import { ChatSession } from "./session.ts";

Deno.test("refill() shows what was stored during a proxy outage, once", async () => {
  const cluster = await startLocalCluster({ servers: 1 });
  const options = {
    reference: cluster.reference,
    proxy: cluster.proxySub,
  };
  const ana = new AgoraClient(options);
  const bob = new AgoraClient(options);
  const lines: string[] = [];
  let session: ChatSession | undefined;
  try {
    await bob.login("bob");
    await bob.createChannel("general");
    for (let i = 1; i <= 15; i++) {
      await bob.publish("bob", "general", `old ${i}`);
    }
    session = await ChatSession.start({
      client: ana,
      user: "ana",
      print: (line) => lines.push(line),
      style: createStyle(false),
      joinHistory: 10,
    });
    await session.execute("/join general");
    assert.ok(lines.some((l) => l.includes("old 15")));
    assert.ok(!lines.some((l) => l.includes("old 5")));
    // Nothing was missed: older messages than the join showed stay away.
    assert.equal(await session.refill(), 0);

    await cluster.stop("proxy");
    await bob.publish("bob", "general", "during the outage");
    assert.ok(!lines.some((l) => l.includes("during the outage")));
    assert.equal(await session.refill(), 1);
    assert.equal(
      lines.filter((l) => l.includes("during the outage")).length,
      1,
    );
    assert.equal(await session.refill(), 0);
    assert.ok(!lines.some((l) => l.includes("old 5")));
  } finally {
    session?.close();
    await ana.close();
    await bob.close();
    await cluster.close();
  }
});
