/**
 * CURVE between cluster members, with real processes: three servers share
 * the cluster key pair and advertise an unreachable client `address`, so
 * every peer request (election, Berkeley, catch-up `sync`) can only work
 * over the encrypted peer socket. Writes replicate, a killed server
 * catches up after its restart, a coordinator is agreed; the peer socket
 * answers nobody without the keys and refuses client services.
 */

import assert from "node:assert/strict";
import { curveKeyPair, Request } from "@agora/shared/zmq";
import { encodeEnvelope } from "@agora/shared/protocol";
import { freePort, startCluster } from "./testing/cluster.ts";
import {
  decodeReply,
  TestClient,
  waitFor,
  type WireReply,
} from "./testing/client.ts";

const NAMES = ["server_1", "server_2", "server_3"] as const;

/** One request over CURVE with the cluster pair; the reply, decoded. */
async function curveCall(
  endpoint: string,
  keys: { publicKey: string; secretKey: string },
  service: string,
): Promise<WireReply> {
  const socket = new Request({
    linger: 0,
    receiveTimeout: 3000,
    curveServerKey: keys.publicKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
  });
  try {
    socket.connect(endpoint);
    await socket.send(
      encodeEnvelope({
        service,
        data: { user: "eve", timestamp: Date.now() / 1000, clock: 1 },
      }),
    );
    const [frame] = await socket.receive();
    return decodeReply(frame);
  } finally {
    socket.close();
  }
}

Deno.test("CURVE cluster: replication, catch-up and election over the peer sockets", async () => {
  const keys = curveKeyPair();
  const peerEndpoints = new Map<string, string>();
  const serverArgsFor: Record<string, string[]> = {};
  for (const name of NAMES) {
    const endpoint = `tcp://127.0.0.1:${freePort()}`;
    peerEndpoints.set(name, endpoint);
    serverArgsFor[name] = [
      "--peer-bind",
      endpoint,
      // Nothing listens there: peers must use the peer socket.
      "--advertise",
      `tcp://127.0.0.1:${freePort()}`,
    ];
  }
  const cluster = await startCluster({
    servers: 3,
    env: {
      AGORA_CURVE_PUBLIC_KEY: keys.publicKey,
      AGORA_CURVE_SECRET_KEY: keys.secretKey,
    },
    serverArgs: ["--anti-entropy-interval-ms", "500"],
    serverArgsFor,
  });
  try {
    const coordinator = await waitFor("an agreed coordinator", async () => {
      const seen = await Promise.all(
        NAMES.map(async (name) => (await cluster.status(name)).coordinator),
      );
      return typeof seen[0] === "string" && seen.every((c) => c === seen[0])
        ? seen[0]
        : undefined;
    }, 15_000);
    assert.ok(NAMES.includes(coordinator as typeof NAMES[number]));

    await cluster.call("server_1", "login", { user: "ana" });
    await cluster.call("server_1", "channel", { channel: "geral" });
    for (let i = 0; i < 5; i++) {
      const reply = await cluster.call("server_1", "publish", {
        user: "ana",
        channel: "geral",
        message: `before ${i}`,
      });
      assert.equal(reply.data.status, "OK");
    }
    await waitFor("the writes on every server", async () => {
      for (const name of NAMES) {
        const counts = (await cluster.status(name)).counts as Record<
          string,
          number
        >;
        if (counts.messages !== 5) return false;
      }
      return true;
    });

    // server_2 misses writes, then fetches them with `sync` over CURVE.
    await cluster.kill("server_2");
    for (let i = 0; i < 20; i++) {
      await cluster.call("server_1", "publish", {
        user: "ana",
        channel: "geral",
        message: `missed ${i}`,
      });
    }
    await cluster.start("server_2");
    const status2 = await waitFor("server_2 to catch up", async () => {
      const status = await cluster.status("server_2");
      const counts = status.counts as Record<string, number>;
      return counts.messages === 25 ? status : undefined;
    }, 15_000);
    const replication = status2.replication as { fetched: number };
    assert.ok(replication.fetched > 0, "server_2 fetched records with sync");
  } finally {
    await cluster.stop();
  }
});

Deno.test("CURVE peer socket: silent without the keys, peer services only with them", async () => {
  const keys = curveKeyPair();
  const peerEndpoint = `tcp://127.0.0.1:${freePort()}`;
  const cluster = await startCluster({
    servers: 1,
    env: {
      AGORA_CURVE_PUBLIC_KEY: keys.publicKey,
      AGORA_CURVE_SECRET_KEY: keys.secretKey,
    },
    serverArgs: ["--peer-bind", peerEndpoint],
  });
  const plain = new TestClient(peerEndpoint, 500);
  try {
    await assert.rejects(
      plain.call("status"),
      "a plain ZeroMQ request gets no reply",
    );
    const status = await curveCall(peerEndpoint, keys, "status");
    assert.equal(status.service, "status");
    assert.equal(status.data.name, "server_1");
    const login = await curveCall(peerEndpoint, keys, "login");
    assert.equal(login.service, "error");
    assert.match(String(login.data.description), /peer socket/);
    const other = curveKeyPair();
    await assert.rejects(
      curveCall(
        peerEndpoint,
        { ...keys, secretKey: other.secretKey },
        "status",
      ),
      "a CURVE client with another secret key gets no reply",
    );
  } finally {
    plain.close();
    await cluster.stop();
  }
});
