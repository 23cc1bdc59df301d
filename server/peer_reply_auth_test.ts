import assert from "node:assert/strict";
import {
  decodeValue,
  encodeEnvelope,
  encodeValue,
  floatSeconds,
} from "@agora/shared/protocol";
import { Publisher, Router } from "@agora/shared/zmq";
import { PeerAuth } from "./peer_auth.ts";
import { Requester, RequestError } from "./requester.ts";
import { startCluster } from "./testing/cluster.ts";
import { TestClient, waitFor } from "./testing/client.ts";

interface Received {
  service: string;
  data: Record<string, unknown>;
}

/**
 * A ROUTER on a free port answering every request with `answer(request)`
 * (its `data`; the stamp is added), like a rogue "server" would.
 */
async function fakePeer(
  answer: (request: Received) => Record<string, unknown>,
) {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const requests: Received[] = [];
  const serving = (async () => {
    for await (const frames of router) {
      const decoded = decodeValue(frames[frames.length - 1]);
      if (!decoded.ok) continue;
      const request = decoded.value as Received;
      requests.push(request);
      const data = {
        ...answer(request),
        timestamp: floatSeconds(Date.now() / 1000),
        clock: 1,
      };
      await router.send([
        ...frames.slice(0, -1),
        encodeEnvelope({ service: request.service, data }),
      ]);
    }
  })();
  return {
    address: router.lastEndpoint,
    requests,
    /** How many `service` requests arrived so far. */
    asked(service: string): number {
      return requests.filter((r) => r.service === service).length;
    },
    async close() {
      router.close();
      await serving.catch(() => {});
    },
  };
}

/**
 * Registers `address` at the reference as "mallory" (anyone can) and keeps
 * it listed with heartbeats until `stop()`; `rank` is what it got.
 */
async function registerRogue(
  referenceEndpoint: string,
  address: string,
): Promise<{ rank: unknown; stop(): void }> {
  const reference = new TestClient(referenceEndpoint);
  const beat = setInterval(() => {
    reference.call("heartbeat", { user: "mallory", address }).catch(() => {});
  }, 300);
  const stop = () => {
    clearInterval(beat);
    reference.close();
  };
  try {
    const { data } = await reference.call("rank", { user: "mallory", address });
    return { rank: data.rank, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

function forged(seq: number) {
  return {
    origin: "server_1",
    seq,
    clock: 1,
    timestamp: 1.5,
    op: "user",
    data: { user: `forged_${seq}` },
  };
}

function requester(secret: string): Requester {
  let clock = 0;
  return new Requester({
    timeoutMs: 2000,
    stamp: () => ({
      timestamp: floatSeconds(Date.now() / 1000),
      clock: ++clock,
    }),
    receiveClock: () => {},
    auth: new PeerAuth(secret),
  });
}

Deno.test("a sync reply is believed only with the MAC that binds it to the signed request", async () => {
  const member = new PeerAuth("secret");
  const outsider = new PeerAuth("guess");
  let signer: PeerAuth | undefined;
  const peer = await fakePeer((request) => {
    const data = { records: [forged(1)], last: 1 };
    if (signer === undefined) return data;
    return {
      ...data,
      auth: signer.reply("sync", String(request.data.auth), data),
    };
  });
  const client = requester("secret");
  const call = () =>
    client.call(peer.address, "sync", {
      origin: "server_1",
      after: 0,
      limit: 10,
    }, { sign: ["server_1", 0, 10] });
  try {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof RequestError);
      assert.match(error.message, /carries no "auth"/);
      return true;
    });
    signer = outsider;
    await assert.rejects(call(), /"auth" is not valid/);
    signer = member;
    const reply = await call();
    assert.deepEqual(reply.records.map((r) => r.seq), [1]);
  } finally {
    client.close();
    await peer.close();
  }
});

Deno.test("a sync_state MAC covers the whole vector, in any key order", () => {
  const auth = new PeerAuth("secret");
  const mac = auth.reply("sync_state", "req", { vector: { a: 1, b: 2 } });
  const reply = (vector: Record<string, number>) => ({ vector, auth: mac });
  assert.equal(
    auth.checkReply("sync_state", "req", reply({ b: 2, a: 1 })),
    undefined,
  );
  assert.match(
    auth.checkReply("sync_state", "req", reply({ a: 1, b: 3 }))!,
    /not valid/,
  );
  assert.match(
    auth.checkReply("sync_state", "other request", reply({ a: 1, b: 2 }))!,
    /not valid/,
    "a reply cannot be replayed for another request",
  );
  assert.equal(auth.reply("users", "req", {}), undefined, "not covered");
});

Deno.test("a rogue name registered at the reference gets none of its records stored", async () => {
  const cluster = await startCluster({ servers: 2 });
  // Claims three records of server_1 and serves them to whoever asks.
  const rogue = await fakePeer((request) => {
    if (request.service === "sync_state") return { vector: { server_1: 3 } };
    if (request.service === "sync") {
      const after = Number(request.data.after);
      const records = [];
      for (let seq = after + 1; seq <= 3; seq++) records.push(forged(seq));
      return { records, last: 3 };
    }
    return { status: "erro", description: "no" };
  });
  let stopRogue = () => {};
  try {
    stopRogue = (await registerRogue(cluster.reference, rogue.address)).stop;
    // Both servers poll every listed peer's vector every 2 s: wait until
    // each has asked the rogue twice.
    await waitFor(
      "four sync_state requests at the rogue",
      () => rogue.asked("sync_state") >= 4,
      15_000,
    );
    for (const server of ["server_1", "server_2"]) {
      const users = (await cluster.call(server, "users")).data
        .users as string[];
      assert.ok(
        !users.some((user) => user.startsWith("forged_")),
        `${server} stored forged users: ${users.join(", ")}`,
      );
      const { vector } = await cluster.status(server) as {
        vector: Record<string, number>;
      };
      assert.equal(vector.server_1 ?? 0, 0, `${server}'s vector of server_1`);
    }
    assert.equal(
      rogue.asked("sync"),
      0,
      "a vector without a valid MAC started no fetch",
    );
  } finally {
    stopRogue();
    await rogue.close();
    await cluster.stop();
  }
});

Deno.test("a rogue registered first with the top rank, answering and announcing, is never believed coordinator", async () => {
  const cluster = await startCluster({ servers: 0 });
  // Answers like a coordinator would, with no cluster secret.
  const rogue = await fakePeer((request) => {
    switch (request.service) {
      case "status":
        return {
          name: "mallory",
          rank: 1,
          coordinator: "mallory",
          offset: 0,
          counts: {},
          vector: {},
        };
      case "election":
        return { election: "OK" };
      case "clock":
        return { time: Date.now() / 1000 + 1.5 };
      default:
        return { status: "erro", description: "no" };
    }
  });
  let stopRogue = () => {};
  // And claims the role on the proxy, as the protocol's announcements go
  // (no signature: it has no secret).
  const publisher = new Publisher({ linger: 0 });
  publisher.connect(cluster.proxyPub);
  let clock = 1;
  const announcing = setInterval(() => {
    void publisher.send([
      new TextEncoder().encode("servers"),
      encodeValue({
        service: "election",
        data: {
          coordinator: "mallory",
          timestamp: floatSeconds(Date.now() / 1000),
          clock: clock++,
        },
      }),
    ]);
  }, 200);
  try {
    const registered = await registerRogue(cluster.reference, rogue.address);
    stopRogue = registered.stop;
    assert.equal(registered.rank, 1, "the rogue holds the top rank");
    await cluster.start("server_1");
    await cluster.start("server_2");
    const coordinators = async () =>
      await Promise.all(
        ["server_1", "server_2"].map(async (name) =>
          (await cluster.status(name)).coordinator
        ),
      );
    await waitFor(
      "both servers to follow server_1",
      async () =>
        (await coordinators()).every((c) => c === "server_1") || undefined,
      15_000,
    );
    assert.ok(rogue.asked("status") > 0, "the servers did ask the rogue");
    // Still so after the coordinators' probes of the higher-ranked rogue.
    const probesBefore = rogue.asked("status");
    await waitFor(
      "two more status probes at the rogue",
      () => rogue.asked("status") >= probesBefore + 2 || undefined,
      10_000,
    );
    assert.deepEqual(await coordinators(), ["server_1", "server_1"]);
  } finally {
    clearInterval(announcing);
    publisher.close();
    stopRogue();
    await rogue.close();
    await cluster.stop();
  }
});
