import assert from "node:assert/strict";
import {
  type ClientService,
  decodeValue,
  type Request,
} from "@agora/shared/protocol";
import type { ChatRecord } from "@agora/shared/record";
import { BatchView } from "./batch_view.ts";
import {
  chatPublication,
  handleClientRequest,
  type RecordFactory,
} from "./handlers.ts";
import { Store } from "./storage.ts";

function statusOf(result: { reply: { data: unknown } }): unknown {
  return (result.reply.data as { status?: unknown }).status;
}

/** A store in a temp dir, a view over it and a counting record factory. */
async function setup() {
  const dir = await Deno.makeTempDir();
  const store = Store.open(dir);
  const view = new BatchView(store);
  let seq = 0;
  const make: RecordFactory = (op, data) =>
    ({
      origin: "s1",
      seq: ++seq,
      clock: seq * 10,
      timestamp: 1000 + seq,
      op,
      data,
    }) as ChatRecord;
  const handle = (request: Request<ClientService>) => {
    const result = handleClientRequest(request, view, make);
    view.note(result.records);
    return result;
  };
  const commit = () => {
    // As the loop does: store what the batch made, then forget the overlay.
    store.append(pending.splice(0));
    view.clear();
  };
  const pending: ChatRecord[] = [];
  const run = (request: Request<ClientService>) => {
    const result = handle(request);
    pending.push(...result.records);
    return result;
  };
  return {
    store,
    view,
    run,
    commit,
    async close() {
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("login creates the user once and records every login", async () => {
  const s = await setup();
  try {
    const first = s.run({ service: "login", data: { user: "ana" } });
    assert.deepEqual(first.reply, {
      service: "login",
      data: { status: "sucesso" },
    });
    assert.deepEqual(first.records.map((r) => r.op), ["user", "login"]);
    // Same batch: the user exists already through the overlay.
    const second = s.run({ service: "login", data: { user: "ana" } });
    assert.deepEqual(second.records.map((r) => r.op), ["login"]);
    s.commit();
    const third = s.run({ service: "login", data: { user: "ana" } });
    assert.deepEqual(third.records.map((r) => r.op), ["login"]);
  } finally {
    await s.close();
  }
});

Deno.test("a user created earlier in the batch can publish later in it", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "channel", data: { channel: "geral" } });
    const result = s.run({
      service: "publish",
      data: { user: "ana", channel: "geral", message: "oi" },
    });
    assert.equal(statusOf(result), "OK");
    assert.equal((result.reply.data as { id: string }).id, "s1:4");
    s.commit();
    assert.deepEqual(s.store.counts().messages, 1);
  } finally {
    await s.close();
  }
});

Deno.test("a request_id reused for a different post is refused, in the batch and after", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "login", data: { user: "bia" } });
    s.run({ service: "channel", data: { channel: "geral" } });
    s.run({ service: "channel", data: { channel: "dev" } });
    const first = s.run({
      service: "publish",
      data: { user: "ana", channel: "geral", message: "oi", request_id: "k" },
    });
    assert.equal(statusOf(first), "OK");
    for (const commit of [false, true]) {
      if (commit) s.commit();
      // Another channel, or other text, with the same key: not an "OK"
      // for a post that is not stored.
      for (
        const data of [
          { user: "ana", channel: "dev", message: "oi", request_id: "k" },
          { user: "ana", channel: "geral", message: "hey", request_id: "k" },
        ]
      ) {
        const reused = s.run({ service: "publish", data });
        assert.equal(statusOf(reused), "erro");
        assert.match(
          (reused.reply.data as { description: string }).description,
          /request_id "k" was already used by ana for another post/,
        );
        assert.deepEqual(reused.records, []);
      }
    }
    const pm = { src: "ana", dst: "bia", message: "psst", request_id: "m" };
    assert.equal(statusOf(s.run({ service: "message", data: pm })), "OK");
    assert.equal(
      statusOf(
        s.run({ service: "message", data: { ...pm, dst: "ana" } }),
      ),
      "erro",
    );
    s.commit();
    assert.equal(s.store.counts().messages, 1);
    assert.equal(s.store.counts().privateMessages, 1);
  } finally {
    await s.close();
  }
});

Deno.test("a post retried with its request_id is answered with the stored one, in the batch and after", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "login", data: { user: "bia" } });
    s.run({ service: "channel", data: { channel: "geral" } });
    const post = {
      service: "publish" as const,
      data: { user: "ana", channel: "geral", message: "oi", request_id: "k1" },
    };
    const first = s.run(post);
    const idOf = (r: { reply: { data: unknown } }) =>
      (r.reply.data as { id: string }).id;
    assert.equal(idOf(first), "s1:6");
    // Retried in the same batch, then after the commit: one post.
    const again = s.run(post);
    assert.equal(statusOf(again), "OK");
    assert.equal(idOf(again), "s1:6");
    assert.deepEqual(again.records, []);
    s.commit();
    const later = s.run(post);
    assert.equal(idOf(later), "s1:6");
    assert.deepEqual(later.records, []);
    // The key is per author and per post: another author, another key.
    const other = s.run({
      service: "publish",
      data: { user: "bia", channel: "geral", message: "oi", request_id: "k1" },
    });
    assert.equal(idOf(other), "s1:7");
    const pm = {
      service: "message" as const,
      data: { src: "ana", dst: "bia", message: "psst", request_id: "k2" },
    };
    assert.equal(idOf(s.run(pm)), "s1:8");
    s.commit();
    assert.equal(idOf(s.run(pm)), "s1:8");
    assert.equal(s.store.counts().messages, 2);
    assert.equal(s.store.counts().privateMessages, 1);
    // Without a key every post is new (course clients).
    const plain = {
      service: "publish" as const,
      data: { user: "ana", channel: "geral", message: "oi" },
    };
    assert.equal(idOf(s.run(plain)), "s1:9");
    assert.equal(idOf(s.run(plain)), "s1:10");
  } finally {
    await s.close();
  }
});

Deno.test("channel: exists, taken by a user; login: taken by a channel", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "channel", data: { channel: "geral", user: "ana" } });
    const again = s.run({ service: "channel", data: { channel: "geral" } });
    assert.equal(statusOf(again), "erro");
    assert.equal(again.records.length, 0);
    const clash = s.run({ service: "channel", data: { channel: "ana" } });
    assert.match(
      (clash.reply.data as { description: string }).description,
      /taken by a user/,
    );
    const login = s.run({ service: "login", data: { user: "geral" } });
    assert.match(
      (login.reply.data as { description: string }).description,
      /taken by a channel/,
    );
    assert.equal(login.records.length, 0);
  } finally {
    await s.close();
  }
});

Deno.test("publish and message refuse unknown names with message and description", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "channel", data: { channel: "geral" } });
    for (
      const request of [
        {
          service: "publish",
          data: { user: "ana", channel: "nope", message: "x" },
        },
        {
          service: "publish",
          data: { user: "bob", channel: "geral", message: "x" },
        },
        { service: "message", data: { src: "bob", dst: "ana", message: "x" } },
        { service: "message", data: { src: "ana", dst: "bob", message: "x" } },
      ] as Request<ClientService>[]
    ) {
      const result = s.run(request);
      const data = result.reply.data as Record<string, string>;
      assert.equal(data.status, "erro");
      assert.equal(data.message, data.description);
      assert.equal(result.records.length, 0);
    }
  } finally {
    await s.close();
  }
});

Deno.test("subscribe records once; history and users read committed state", async () => {
  const s = await setup();
  try {
    s.run({ service: "login", data: { user: "ana" } });
    s.run({ service: "channel", data: { channel: "geral" } });
    const first = s.run({
      service: "subscribe",
      data: { user: "ana", channel: "geral" },
    });
    assert.equal(first.records.length, 1);
    const again = s.run({
      service: "subscribe",
      data: { user: "ana", channel: "geral" },
    });
    assert.equal(again.records.length, 0, "same batch: already following");
    assert.equal(statusOf(again), "sucesso");
    for (let i = 0; i < 3; i++) {
      s.run({
        service: "publish",
        data: { user: "ana", channel: "geral", message: `m${i}` },
      });
    }
    s.commit();
    const users = s.run({ service: "users", data: {} });
    assert.deepEqual(users.reply, {
      service: "users",
      data: { users: ["ana"] },
    });
    const page = s.run({
      service: "history",
      data: { channel: "geral", limit: 2 },
    });
    const messages = (page.reply.data as { messages: { message: string }[] })
      .messages;
    assert.deepEqual(messages.map((m) => m.message), ["m1", "m2"]);
    const unknownBefore = s.run({
      service: "history",
      data: { channel: "geral", limit: 2, before: "s9:1" },
    });
    assert.equal(statusOf(unknownBefore), "erro");
    const unknownChannel = s.run({
      service: "history",
      data: { channel: "nope", limit: 2 },
    });
    assert.equal(statusOf(unknownChannel), "erro");
  } finally {
    await s.close();
  }
});

Deno.test("chatPublication: channel topic for publish, dst topic for message", () => {
  const publish: ChatRecord = {
    origin: "s1",
    seq: 7,
    clock: 70,
    timestamp: 1.5,
    op: "publish",
    data: { user: "ana", channel: "geral", message: "oi" },
  };
  const [topic, payload] = chatPublication(publish)!;
  assert.equal(new TextDecoder().decode(topic), "geral");
  assert.deepEqual(decodeValue(payload), {
    ok: true,
    value: {
      id: "s1:7",
      user: "ana",
      channel: "geral",
      message: "oi",
      timestamp: 1.5,
      clock: 70,
      server: "s1",
    },
  });
  const [privateTopic, privatePayload] = chatPublication({
    ...publish,
    op: "message",
    data: { src: "ana", dst: "Lu", message: "x" },
  })!;
  assert.equal(new TextDecoder().decode(privateTopic), "Lu");
  const decoded = decodeValue(privatePayload);
  assert.ok(decoded.ok);
  assert.equal((decoded.value as { user: string }).user, "ana");
  assert.equal(
    chatPublication({ ...publish, op: "user", data: { user: "ana" } }),
    undefined,
  );
});
