/**
 * Every client service and error case of the protocol, against a real
 * reference, proxy and server (child processes), plus the publications a
 * subscriber receives through the proxy.
 */

import assert from "node:assert/strict";
import { encodeEnvelope } from "@agora/shared/protocol";
import { startCluster } from "./testing/cluster.ts";
import { decodeReply, TopicCollector, waitFor } from "./testing/client.ts";

Deno.test("client services and their error cases", async (t) => {
  const cluster = await startCluster({ servers: 1 });
  const topics = new TopicCollector(cluster.proxySub, [
    "geral",
    "Lu",
    "Lucas",
  ]);
  const luOnly = new TopicCollector(cluster.proxySub, ["Lu"]);
  try {
    const call = (service: string, data: Record<string, unknown> = {}) =>
      cluster.call("server_1", service, data);
    const expectError = async (
      service: string,
      data: Record<string, unknown>,
      pattern: RegExp,
    ) => {
      const reply = await call(service, data);
      assert.equal(reply.data.status, "erro", JSON.stringify(reply));
      assert.match(String(reply.data.description), pattern);
      assert.equal(typeof reply.data.timestamp, "number");
      assert.equal(typeof reply.data.clock, "number");
      return reply;
    };

    await t.step("login creates the user and records every login", async () => {
      const first = await call("login", { user: "ana" });
      assert.deepEqual(
        { service: first.service, status: first.data.status },
        { service: "login", status: "sucesso" },
      );
      assert.equal(typeof first.data.timestamp, "number");
      assert.equal(
        (await call("login", { user: "ana" })).data.status,
        "sucesso",
      );
      await call("login", { user: "Lu" });
      await call("login", { user: "Lucas" });
      const status = await cluster.status("server_1");
      const counts = status.counts as Record<string, number>;
      assert.equal(counts.users, 3);
      assert.equal(counts.logins, 4);
    });

    await t.step("login refuses bad names", async () => {
      await expectError("login", {}, /user/);
      await expectError("login", { user: "" }, /empty/);
      await expectError("login", { user: 42 }, /string/);
      await expectError("login", { user: " ana" }, /whitespace/);
      await expectError("login", { user: "x".repeat(65) }, /64 bytes/);
      await expectError("login", { user: "a\u0001b" }, /control/);
      await expectError("login", { user: "servers" }, /reserved/);
      await expectError("login", { user: "replication" }, /reserved/);
    });

    await t.step("users lists every user", async () => {
      const reply = await call("users");
      assert.equal(reply.service, "users");
      assert.deepEqual(reply.data.users, ["Lu", "Lucas", "ana"]);
    });

    await t.step(
      "channel creates, and refuses duplicates and clashes",
      async () => {
        const ok = await call("channel", { channel: "geral", user: "ana" });
        assert.deepEqual(
          { service: ok.service, status: ok.data.status },
          { service: "channel", status: "sucesso" },
        );
        await expectError("channel", { channel: "geral" }, /already exists/);
        await expectError("channel", { channel: "ana" }, /taken by a user/);
        await expectError("channel", { channel: "servers" }, /reserved/);
        await expectError("channel", { channel: "" }, /empty/);
        await expectError("channel", { channel: ["x"] }, /string/);
        await expectError("login", { user: "geral" }, /taken by a channel/);
      },
    );

    await t.step("channels lists every channel", async () => {
      const reply = await call("channels");
      assert.equal(reply.service, "channels");
      assert.deepEqual(reply.data.channels, ["geral"]);
    });

    await t.step(
      "publish stores, answers OK with an id, publishes",
      async () => {
        await waitFor("the subscription to reach the proxy", async () => {
          await call("publish", {
            user: "ana",
            channel: "geral",
            message: "probe",
          });
          return topics.on("geral").length > 0;
        });
        const reply = await call("publish", {
          user: "ana",
          channel: "geral",
          message: "olá mundo",
        });
        assert.equal(reply.service, "publish");
        assert.equal(reply.data.status, "OK");
        assert.match(String(reply.data.id), /^server_1:\d+$/);
        const published = await waitFor(
          "the publication",
          () => topics.on("geral").find((p) => p.payload.id === reply.data.id),
        );
        assert.deepEqual(Object.keys(published.payload).sort(), [
          "channel",
          "clock",
          "id",
          "message",
          "server",
          "timestamp",
          "user",
        ]);
        assert.equal(published.payload.message, "olá mundo");
        assert.equal(published.payload.user, "ana");
        assert.equal(published.payload.server, "server_1");
      },
    );

    await t.step("publish errors carry message and description", async () => {
      const unknownChannel = await expectError("publish", {
        user: "ana",
        channel: "nope",
        message: "x",
      }, /channel "nope" does not exist/);
      assert.equal(unknownChannel.service, "publish");
      assert.equal(
        unknownChannel.data.message,
        unknownChannel.data.description,
      );
      const unknownUser = await expectError("publish", {
        user: "ghost",
        channel: "geral",
        message: "x",
      }, /user "ghost" does not exist/);
      assert.equal(unknownUser.data.message, unknownUser.data.description);
      const empty = await expectError("publish", {
        user: "ana",
        channel: "geral",
        message: "",
      }, /empty/);
      assert.equal(empty.data.message, empty.data.description);
      await expectError("publish", {
        user: "ana",
        channel: "geral",
        message: "é".repeat(2049),
      }, /4096 bytes/);
      await expectError(
        "publish",
        { user: "ana", channel: "geral" },
        /message/,
      );
    });

    await t.step(
      "message delivers on the recipient's exact topic",
      async () => {
        const reply = await call("message", {
          src: "ana",
          dst: "Lucas",
          message: "para Lucas",
        });
        assert.equal(reply.service, "message");
        assert.equal(reply.data.status, "OK");
        const toLucas = await waitFor(
          "the private publication",
          () => topics.on("Lucas").find((p) => p.payload.id === reply.data.id),
        );
        assert.deepEqual(
          {
            src: toLucas.payload.src,
            dst: toLucas.payload.dst,
            user: toLucas.payload.user,
            message: toLucas.payload.message,
          },
          { src: "ana", dst: "Lucas", user: "ana", message: "para Lucas" },
        );
        const toLu = await call("message", {
          src: "Lucas",
          dst: "Lu",
          message: "para Lu",
        });
        await waitFor(
          "the publication to Lu",
          () => topics.on("Lu").find((p) => p.payload.id === toLu.data.id),
        );
        // "Lu" is a prefix of "Lucas": ZeroMQ delivers Lucas's messages to a
        // "Lu" subscription; only an exact topic comparison keeps them apart.
        await waitFor(
          "Lu's own subscriber",
          () => luOnly.on("Lu").find((p) => p.payload.id === toLu.data.id),
        );
        await call("message", { src: "ana", dst: "Lucas", message: "again" });
        await waitFor("the prefix match to arrive", () => luOnly.filtered > 0);
        assert.ok(luOnly.received.every((p) => p.payload.dst === "Lu"));
        assert.ok(topics.on("Lucas").every((p) => p.payload.dst === "Lucas"));
      },
    );

    await t.step("message errors", async () => {
      const src = await expectError("message", {
        src: "ghost",
        dst: "ana",
        message: "x",
      }, /"ghost" does not exist/);
      assert.equal(src.data.message, src.data.description);
      await expectError("message", {
        src: "ana",
        dst: "ghost",
        message: "x",
      }, /"ghost" does not exist/);
      await expectError(
        "message",
        { src: "ana", dst: "Lu", message: "" },
        /empty/,
      );
    });

    await t.step("history pages oldest first", async () => {
      for (let i = 0; i < 5; i++) {
        await call("publish", {
          user: "ana",
          channel: "geral",
          message: `m${i}`,
        });
      }
      const all = await call("history", { channel: "geral" });
      assert.equal(all.data.status, "sucesso");
      const messages = all.data.messages as Record<string, unknown>[];
      assert.deepEqual(
        messages.slice(-5).map((m) => m.message),
        ["m0", "m1", "m2", "m3", "m4"],
      );
      const clocks = messages.map((m) => m.clock as number);
      assert.deepEqual(clocks, [...clocks].sort((a, b) => a - b));
      const last2 = await call("history", { channel: "geral", limit: 2 });
      assert.deepEqual(
        (last2.data.messages as Record<string, unknown>[]).map((m) =>
          m.message
        ),
        ["m3", "m4"],
      );
      const before = await call("history", {
        channel: "geral",
        limit: 2,
        before: (last2.data.messages as Record<string, unknown>[])[0].id,
      });
      assert.deepEqual(
        (before.data.messages as Record<string, unknown>[]).map((m) =>
          m.message
        ),
        ["m1", "m2"],
      );
      await expectError("history", { channel: "nope" }, /does not exist/);
      await expectError(
        "history",
        { channel: "geral", before: "server_9:1" },
        /No message has the id/,
      );
      await expectError(
        "history",
        { channel: "geral", before: "junk" },
        /message id/,
      );
      await expectError("history", { channel: "geral", limit: -1 }, /limit/);
    });

    await t.step("private_history returns both directions", async () => {
      await call("message", { src: "Lucas", dst: "ana", message: "resposta" });
      const reply = await call("private_history", {
        user1: "ana",
        user2: "Lucas",
      });
      assert.equal(reply.data.status, "sucesso");
      assert.deepEqual(
        (reply.data.messages as Record<string, unknown>[]).map((m) =>
          m.message
        ),
        ["para Lucas", "again", "resposta"],
      );
      await expectError(
        "private_history",
        { user1: "ana", user2: "ghost" },
        /ghost/,
      );
    });

    await t.step("subscribe is idempotent and checks names", async () => {
      const ok = await call("subscribe", { user: "ana", channel: "geral" });
      assert.deepEqual(
        { service: ok.service, status: ok.data.status },
        { service: "subscribe", status: "sucesso" },
      );
      assert.equal(
        (await call("subscribe", { user: "ana", channel: "geral" })).data
          .status,
        "sucesso",
      );
      const counts = (await cluster.status("server_1")).counts as Record<
        string,
        number
      >;
      assert.equal(counts.subscriptions, 1);
      await expectError(
        "subscribe",
        { user: "ghost", channel: "geral" },
        /ghost/,
      );
      await expectError("subscribe", { user: "ana", channel: "nope" }, /nope/);
    });

    await t.step(
      "unknown services and malformed frames get the error reply",
      async () => {
        const unknown = await call("dance");
        assert.equal(unknown.service, "error");
        assert.equal(unknown.data.status, "erro");
        assert.match(String(unknown.data.description), /Unknown service/);
        const client = cluster.client("server_1");
        for (
          const frame of [
            new Uint8Array([0xc1]),
            new TextEncoder().encode("not msgpack at all"),
            encodeEnvelope({ service: "login" }),
            encodeEnvelope({ service: "login", data: "x" }),
            new Uint8Array(0),
          ]
        ) {
          const [reply] = await client.raw(frame);
          const decoded = decodeReply(reply);
          assert.equal(decoded.service, "error");
          assert.equal(decoded.data.status, "erro");
        }
      },
    );

    await t.step(
      "Lamport: replies come after the request's clock",
      async () => {
        const reply = await cluster.client("server_1").call("users", {
          clock: 1_000_000,
          timestamp: Date.now() / 1000,
        }, { stamp: false });
        assert.ok((reply.data.clock as number) > 1_000_000);
        const later = await call("users");
        assert.ok((later.data.clock as number) > (reply.data.clock as number));
      },
    );
  } finally {
    await topics.close();
    await luOnly.close();
    await cluster.stop();
  }
});
