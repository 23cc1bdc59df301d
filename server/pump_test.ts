import assert from "node:assert/strict";
import { createLogger } from "@agora/shared/log";
import {
  encodeRequest,
  errorReply,
  type RequestInput,
  type RequestService,
} from "@agora/shared/protocol";
import type { ChatRecord } from "@agora/shared/record";
import { ReplicaState } from "@agora/shared/replication";
import { Dealer, type Publisher, Router } from "@agora/shared/zmq";
import { BatchView } from "./batch_view.ts";
import { Committer } from "./committer.ts";
import { PeerAuth } from "./peer_auth.ts";
import { Pump } from "./pump.ts";
import { Store } from "./storage.ts";
import { decodeReply } from "./testing/client.ts";

let nextEndpoint = 0;

/** A pump over a temp store, an inproc ROUTER and a DEALER client. */
async function setup(options: { failAppends?: () => boolean } = {}) {
  const dir = await Deno.makeTempDir();
  const store = Store.open(dir);
  let appends = 0;
  const committerStore = new Proxy(store, {
    get(target, key) {
      if (key === "append") {
        return (records: ChatRecord[], opts: object) => {
          appends++;
          if (options.failAppends?.()) throw new Error("disk on fire");
          return target.append(records, opts);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const view = new BatchView(store);
  const published: Uint8Array[][] = [];
  const publisher = {
    send(frames: Uint8Array[]) {
      published.push(frames);
      return Promise.resolve();
    },
  } as unknown as Publisher;
  let clock = 0;
  let replica = new ReplicaState({ self: "s1", vector: store.vector() });
  const committer = new Committer({
    store: committerStore,
    view,
    auth: new PeerAuth("k"),
    restartClock: () => clock,
    stamp: () => ({ timestamp: 1, clock: ++clock }),
  });
  const endpoint = `inproc://pump-test-${nextEndpoint++}`;
  const router = new Router({ linger: 0 });
  await router.bind(endpoint);
  const dealer = new Dealer({ linger: 0, receiveTimeout: 5000 });
  dealer.connect(endpoint);
  const log = createLogger({
    service: "pump_test",
    file: false,
    stdout: false,
  });
  const pump = new Pump({
    router,
    publisher,
    committer,
    view,
    make: (op, data) => replica.nextLocal(op, data, ++clock, 1),
    receiveClock: (c) => clock = Math.max(clock, c ?? 0) + 1,
    stamp: () => ({ timestamp: 1, clock: ++clock }),
    peers: { handle: () => errorReply("No peers here.") },
    onPublication: () => {},
    onClientHandled: () => {},
    onCommitFailed: () => {
      replica = new ReplicaState({ self: "s1", vector: store.vector() });
    },
    log,
  });
  const running = pump.start();
  return {
    store,
    published,
    endpoint,
    get appends() {
      return appends;
    },
    /** Sends requests back to back (one batch), returns the replies in order. */
    async send(
      requests: [RequestService, Record<string, unknown>][],
    ): Promise<Record<string, unknown>[]> {
      for (const [service, data] of requests) {
        await dealer.send([
          new Uint8Array(0),
          encodeRequest(service, data as RequestInput<RequestService>, {
            timestamp: 1,
            clock: 1,
          }),
        ]);
      }
      const replies = [];
      for (let i = 0; i < requests.length; i++) {
        const frames = await dealer.receive();
        assert.equal(frames.length, 2, "the empty delimiter is echoed");
        replies.push(decodeReply(frames[1]).data);
      }
      return replies;
    },
    async close() {
      await pump.stop();
      dealer.close();
      router.close();
      await running;
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("one batch, one commit: a login early in it serves a publish later", async () => {
  const p = await setup();
  try {
    const replies = await p.send([
      ["login", { user: "ana" }],
      ["channel", { channel: "geral" }],
      ["publish", { user: "ana", channel: "geral", message: "oi" }],
      ["message", { src: "ana", dst: "ana", message: "eu" }],
    ]);
    assert.deepEqual(replies.map((r) => r.status), [
      "sucesso",
      "sucesso",
      "OK",
      "OK",
    ]);
    assert.equal(replies[2].id, "s1:4");
    assert.equal(p.store.counts().records, 5);
    assert.ok(p.appends <= 2, `${p.appends} appends for one burst`);
    const topics = p.published.map((f) => new TextDecoder().decode(f[0]));
    assert.ok(topics.includes("geral"));
    assert.ok(topics.includes("ana"));
    assert.ok(topics.includes("replication"));
  } finally {
    await p.close();
  }
});

Deno.test("a read after writes in the same batch sees them", async () => {
  const p = await setup();
  try {
    const replies = await p.send([
      ["login", { user: "ana" }],
      ["channel", { channel: "geral" }],
      ["publish", { user: "ana", channel: "geral", message: "oi" }],
      ["history", { channel: "geral" }],
      ["users", {}],
    ]);
    assert.equal((replies[3].messages as unknown[]).length, 1);
    assert.deepEqual(replies[4].users, ["ana"]);
  } finally {
    await p.close();
  }
});

Deno.test("a failed commit acknowledges nothing and the loop goes on", async () => {
  let failing = true;
  const p = await setup({ failAppends: () => failing });
  try {
    const replies = await p.send([
      ["login", { user: "ana" }],
      ["channel", { channel: "geral" }],
    ]);
    assert.deepEqual(replies.map((r) => r.status), ["erro", "erro"]);
    assert.match(String(replies[0].description), /could not store/);
    assert.equal(p.store.counts().records, 0);
    assert.equal(
      p.published.length,
      0,
      "nothing is published for a failed batch",
    );
    failing = false;
    const retry = await p.send([
      ["login", { user: "ana" }],
      ["channel", { channel: "geral" }],
      ["publish", { user: "ana", channel: "geral", message: "oi" }],
    ]);
    assert.deepEqual(retry.map((r) => r.status), ["sucesso", "sucesso", "OK"]);
    // Sequence numbers were not burnt by the failed batch.
    assert.equal(retry[2].id, "s1:4");
    assert.deepEqual(p.store.vector(), { s1: 4 });
  } finally {
    await p.close();
  }
});

Deno.test("clients looping on their replies share commits: one per round of them", async () => {
  const p = await setup();
  const clients = Array.from({ length: 8 }, () => {
    const dealer = new Dealer({ linger: 0, receiveTimeout: 5000 });
    dealer.connect(p.endpoint);
    return dealer;
  });
  const rounds = 40;
  try {
    await p.send([["login", { user: "ana" }], ["channel", {
      channel: "geral",
    }]]);
    const before = p.appends;
    await Promise.all(clients.map(async (dealer, i) => {
      for (let round = 0; round < rounds; round++) {
        await dealer.send([
          new Uint8Array(0),
          encodeRequest("publish", {
            user: "ana",
            channel: "geral",
            message: `${i}:${round}`,
          }, { timestamp: 1, clock: 1 }),
        ]);
        const [, frame] = await dealer.receive();
        assert.equal(decodeReply(frame).data.status, "OK");
      }
    }));
    const commits = p.appends - before;
    const publishes = clients.length * rounds;
    assert.equal(p.store.counts().messages, publishes);
    // A round of the eight is one batch and one commit (here the clients
    // answer within the same turn of the event loop).
    assert.ok(
      commits <= publishes / 3,
      `${commits} commits for ${publishes} publishes from 8 looping clients`,
    );
  } finally {
    for (const dealer of clients) dealer.close();
    await p.close();
  }
});

Deno.test("a failed commit gives no OK to a keyed retry answered from the batch's own post", async () => {
  let failing = false;
  const p = await setup({ failAppends: () => failing });
  try {
    await p.send([["login", { user: "ana" }], ["channel", {
      channel: "geral",
    }]]);
    // The first try and its retry (same request_id) in one turn: a DEALER
    // pipelining, or a Lazy Pirate retry on a fresh socket.
    const post = {
      user: "ana",
      channel: "geral",
      message: "oi",
      request_id: "k1",
    };
    failing = true;
    const replies = await p.send([["publish", post], ["publish", post]]);
    failing = false;
    assert.deepEqual(replies.map((r) => r.status), ["erro", "erro"]);
    assert.equal(p.store.requestPost("publish", "ana", "k1"), undefined);
    // The id an OK would have named goes to the next post: nobody holds it.
    const [next] = await p.send([["publish", post]]);
    assert.equal(next.status, "OK");
    assert.equal(p.store.requestPost("publish", "ana", "k1")?.id, next.id);
  } finally {
    await p.close();
  }
});

Deno.test("a failed commit gives no sucesso to a second subscribe answered from the first", async () => {
  let failing = false;
  const p = await setup({ failAppends: () => failing });
  try {
    await p.send([["login", { user: "ana" }], ["channel", {
      channel: "geral",
    }]]);
    const subscribe = { user: "ana", channel: "geral" };
    failing = true;
    const replies = await p.send([
      ["subscribe", subscribe],
      ["subscribe", subscribe],
    ]);
    failing = false;
    assert.deepEqual(replies.map((r) => r.status), ["erro", "erro"]);
    assert.deepEqual(p.store.subscriptions("ana"), []);
    const [retry] = await p.send([["subscribe", subscribe]]);
    assert.equal(retry.status, "sucesso");
    assert.deepEqual(p.store.subscriptions("ana"), ["geral"]);
  } finally {
    await p.close();
  }
});

Deno.test("a failed commit turns an answer read from the batch into a failure, and leaves one read from the store", async () => {
  let failing = false;
  const p = await setup({ failAppends: () => failing });
  try {
    await p.send([
      ["login", { user: "ana" }],
      ["channel", { channel: "geral" }],
      ["subscribe", { user: "ana", channel: "geral" }],
    ]);
    failing = true;
    const replies = await p.send([
      ["channel", { channel: "nova" }],
      // "already exists" only because of the batch's own first request.
      ["channel", { channel: "nova" }],
      // Already stored: its answer does not depend on the batch.
      ["subscribe", { user: "ana", channel: "geral" }],
    ]);
    failing = false;
    assert.deepEqual(replies.map((r) => r.status), ["erro", "erro", "sucesso"]);
    assert.match(String(replies[1].description), /could not store/);
    assert.deepEqual(p.store.channels(), ["geral"]);
  } finally {
    await p.close();
  }
});
