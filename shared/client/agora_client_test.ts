import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { LamportClock } from "@agora/shared/lamport";
import { encodeEnvelope, parseServerRequest } from "@agora/shared/protocol";
import { AgoraClient } from "./agora_client.ts";
import {
  deadEndpoint,
  rejection,
  reply,
  startResponder,
} from "./_responder.ts";

const ok = (service: string) => reply(service, { status: "sucesso" });

Deno.test("a dead first server fails over to the live one, which then sticks", async () => {
  const live = await startResponder(() => ok("login"));
  const dead = deadEndpoint();
  const client = new AgoraClient({
    servers: [dead, live.endpoint],
    timeoutMs: 150,
    random: () => 0,
  });
  try {
    await client.login("ana");
    assertEquals(client.currentServer, live.endpoint);
    await client.login("ana");
    assertEquals(live.requests.length, 2);
  } finally {
    await client.close();
    await live.close();
  }
});

Deno.test("a server that never answers is abandoned after the timeout (Lazy Pirate)", async () => {
  const hung = await startResponder(() => "silent");
  const live = await startResponder(() => reply("users", { users: ["ana"] }));
  const client = new AgoraClient({
    servers: [hung.endpoint, live.endpoint],
    timeoutMs: 150,
    random: () => 0,
  });
  try {
    assertEquals(await client.users(), ["ana"]);
    assertEquals(hung.requests.length, 1);
    assertEquals(client.currentServer, live.endpoint);
    // The hung server cools down: the next call goes straight to the live one.
    assertEquals(await client.users(), ["ana"]);
    assertEquals(hung.requests.length, 1);
  } finally {
    await client.close();
    await hung.close();
    await live.close();
  }
});

Deno.test("a retried post keeps its request_id, so the server can store it once", async () => {
  const hung = await startResponder(() => "silent");
  const live = await startResponder(() =>
    reply("publish", { status: "OK", id: "server_2:1" })
  );
  const client = new AgoraClient({
    servers: [hung.endpoint, live.endpoint],
    timeoutMs: 150,
    random: () => 0,
  });
  try {
    assertEquals((await client.publish("ana", "geral", "oi")).id, "server_2:1");
    const first = hung.requests[0]!.data.request_id;
    const retried = live.requests[0]!.data.request_id;
    assertEquals(typeof first, "string");
    assertEquals(retried, first);
  } finally {
    await client.close();
    await hung.close();
    await live.close();
  }
});

Deno.test("a single slow server is retried on a fresh socket, so a late reply is never taken for the new one", async () => {
  let calls = 0;
  const slow = await startResponder(async () => {
    calls++;
    if (calls === 1) {
      // Slower than the client's timeout: this reply arrives late.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return reply("users", { users: ["late"] });
    }
    return reply("users", { users: ["fresh"] });
  });
  const client = new AgoraClient({ servers: [slow.endpoint], timeoutMs: 150 });
  try {
    assertEquals(await client.users(), ["fresh"]);
    assertEquals(calls >= 2, true);
  } finally {
    await client.close();
    await slow.close();
  }
});

Deno.test("a hung single server fails after a bounded number of attempts", async () => {
  const hung = await startResponder(() => "silent");
  const client = new AgoraClient({
    servers: [hung.endpoint],
    timeoutMs: 100,
    maxAttempts: 3,
  });
  try {
    const error = await rejection(client.channels());
    assertEquals(error.code, "unavailable");
    assertEquals(error.attempts.length, 3);
    assertEquals(
      error.attempts.every((a) => a.endpoint === hung.endpoint),
      true,
    );
  } finally {
    await client.close();
    await hung.close();
  }
});

Deno.test("when every server is down the error says so and lists each attempt", async () => {
  const client = new AgoraClient({
    servers: [deadEndpoint(), deadEndpoint()],
    timeoutMs: 100,
    maxAttempts: 3,
  });
  try {
    const started = performance.now();
    const error = await rejection(client.login("ana"));
    assertEquals(error.code, "unavailable");
    assertEquals(error.service, "login");
    assertEquals(error.attempts.length, 3);
    assertEquals(/No server answered "login"/.test(error.message), true);
    assertEquals(performance.now() - started < 2000, true);
  } finally {
    await client.close();
  }
});

Deno.test("with no server known at all the error says what to configure", async () => {
  const client = new AgoraClient({});
  try {
    const error = await rejection(client.users());
    assertEquals(error.code, "unavailable");
    assertEquals(/AGORA_SERVERS/.test(error.message), true);
  } finally {
    await client.close();
  }
});

Deno.test("an erro reply becomes a rejected AgoraError with the server's description, not retried", async () => {
  const server = await startResponder((request) =>
    request.service === "publish"
      ? reply("publish", {
        status: "erro",
        message: 'The channel "x" does not exist.',
        description: 'The channel "x" does not exist.',
      })
      : reply("error", { status: "erro", description: "Unknown service." })
  );
  const other = await startResponder(() => ok("login"));
  const client = new AgoraClient({
    servers: [server.endpoint, other.endpoint],
    timeoutMs: 500,
    random: () => 0,
  });
  try {
    const error = await rejection(client.publish("ana", "x", "hi"));
    assertEquals(error.code, "rejected");
    assertEquals(error.message, 'The channel "x" does not exist.');
    assertEquals(error.description, 'The channel "x" does not exist.');
    assertEquals(server.requests.length, 1);
    assertEquals(other.requests.length, 0);
    const generic = await rejection(client.createChannel("y", "ana"));
    assertEquals(generic.message, "Unknown service.");
    // The generic request returns refusals instead of throwing.
    const answer = await client.request("channel", { channel: "y" });
    assertEquals(answer.reply.service, "error");
  } finally {
    await client.close();
    await server.close();
    await other.close();
  }
});

Deno.test("an invalid reply counts as a failure and the next server is tried", async () => {
  const broken = await startResponder(() => new Uint8Array([0xc1, 1, 2]));
  const live = await startResponder(() => reply("users", { users: [] }));
  const client = new AgoraClient({
    servers: [broken.endpoint, live.endpoint],
    timeoutMs: 500,
    random: () => 0,
  });
  try {
    assertEquals(await client.users(), []);
    assertEquals(client.currentServer, live.endpoint);
  } finally {
    await client.close();
    await broken.close();
    await live.close();
  }
});

Deno.test("the Lamport clock ticks before each send and merges each reply", async () => {
  const seen: number[] = [];
  const server = await startResponder((request) => {
    seen.push(request.data.clock as number);
    return reply("users", { users: [] }, 100);
  });
  const clock = new LamportClock(5);
  const client = new AgoraClient({ servers: [server.endpoint], clock });
  try {
    await client.users();
    assertEquals(seen, [6]);
    assertEquals(clock.value, 101);
    await client.users();
    assertEquals(seen, [6, 102]);
    assertEquals(clock.value, 103);
    // Every request is a valid protocol request with a float timestamp.
    const frame = encodeEnvelope(server.requests[0]!);
    const parsed = parseServerRequest(frame);
    assertEquals(parsed.ok, true);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("typed methods send the protocol's fields and read the replies", async () => {
  const message = {
    id: "server_1:7",
    user: "ana",
    channel: "general",
    message: "hi",
    timestamp: 1764190000.5,
    clock: 9,
    server: "server_1",
  };
  const server = await startResponder((request) => {
    switch (request.service) {
      case "publish":
        return reply("publish", { status: "OK", id: "server_1:7" });
      case "message":
        return reply("message", { status: "OK" });
      case "history":
        return reply("history", { status: "sucesso", messages: [message] });
      case "private_history":
        return reply("private_history", { status: "sucesso", messages: [] });
      default:
        return ok(request.service);
    }
  });
  const client = new AgoraClient({ servers: [server.endpoint] });
  try {
    const sent = await client.publish("ana", "general", "hi");
    assertEquals(sent.id, "server_1:7");
    assertEquals(sent.endpoint, server.endpoint);
    assertEquals((await client.message("ana", "bia", "psst")).id, undefined);
    assertEquals(
      await client.history("general", { limit: 5, before: "server_1:9" }),
      [message],
    );
    assertEquals(await client.privateHistory("ana", "bia"), []);
    await client.subscribe("ana", "general");
    await client.createChannel("new", "ana");
    const requestIds: unknown[] = [];
    const sentData = server.requests.map((r) => {
      const { timestamp: _t, clock: _c, request_id, ...rest } = r!.data;
      if (request_id !== undefined) requestIds.push(request_id);
      return [r!.service, rest];
    });
    // Posts carry a fresh request key each (see the retry test).
    assertEquals(requestIds.length, 2);
    assertEquals(
      requestIds.every((id) => /^[0-9a-f-]{36}$/.test(String(id))),
      true,
    );
    assertEquals(requestIds[0] !== requestIds[1], true);
    assertEquals(sentData, [
      ["publish", { user: "ana", channel: "general", message: "hi" }],
      ["message", { src: "ana", dst: "bia", message: "psst" }],
      ["history", { channel: "general", limit: 5, before: "server_1:9" }],
      ["private_history", { user1: "ana", user2: "bia" }],
      ["subscribe", { user: "ana", channel: "general" }],
      ["channel", { channel: "new", user: "ana" }],
    ]);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("servers are discovered from the reference's list", async () => {
  const live = await startResponder(() => reply("channels", { channels: [] }));
  const reference = await startResponder(() =>
    reply("list", {
      list: [{ name: "server_1", rank: 1, address: live.endpoint }],
    })
  );
  const client = new AgoraClient({ reference: reference.endpoint });
  try {
    assertEquals(await client.channels(), []);
    assertEquals(client.servers, [live.endpoint]);
    assertEquals(await client.refreshServers(), [live.endpoint]);
  } finally {
    await client.close();
    await reference.close();
    await live.close();
  }
});

Deno.test("when all known servers fail, the reference is asked for newer ones", async () => {
  const live = await startResponder(() => reply("users", { users: ["x"] }));
  let lists = 0;
  const reference = await startResponder(() => {
    lists++;
    // The first (background) refresh knows nothing new; only the refresh
    // caused by the failure finds the live server.
    return reply("list", {
      list: lists === 1
        ? []
        : [{ name: "s2", rank: 2, address: live.endpoint }],
    });
  });
  const dead = deadEndpoint();
  const client = new AgoraClient({
    servers: [dead],
    reference: reference.endpoint,
    refreshIntervalMs: 60_000,
    timeoutMs: 150,
  });
  try {
    assertEquals(await client.users(), ["x"]);
    assertEquals(lists, 2);
    assertEquals(client.servers, [dead, live.endpoint]);
    assertEquals(client.currentServer, live.endpoint);
  } finally {
    await client.close();
    await reference.close();
    await live.close();
  }
});

Deno.test("requestTo asks one server only and reports it unavailable", async () => {
  const live = await startResponder(() => reply("users", { users: ["z"] }));
  const client = new AgoraClient({ servers: [live.endpoint] });
  try {
    const answer = await client.requestTo(live.endpoint, "users", {});
    assertEquals(answer.reply.service, "users");
    const dead = deadEndpoint();
    const error = await rejection(
      client.requestTo(dead, "users", {}, { timeoutMs: 100 }),
    );
    assertEquals(error.code, "unavailable");
    assertEquals(error.endpoint, dead);
    const raw = await client.requestFrameTo(
      live.endpoint,
      new Uint8Array([1, 2, 3]),
    );
    assertEquals(raw.length, 1);
  } finally {
    await client.close();
    await live.close();
  }
});

Deno.test("close() rejects requests in flight with code closed and later calls too", async () => {
  const hung = await startResponder(() => "silent");
  const client = new AgoraClient({ servers: [hung.endpoint], timeoutMs: 5000 });
  const pending = rejection(client.users());
  // Let the request reach the socket before closing.
  while (hung.requests.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await client.close();
  assertEquals((await pending).code, "closed");
  assertEquals((await rejection(client.users())).code, "closed");
  await hung.close();
});

Deno.test("concurrent requests use several sockets and all get their own reply", async () => {
  const server = await startResponder((request) =>
    reply("history", {
      status: "sucesso",
      messages: [],
      echo: request.data.channel,
    })
  );
  const client = new AgoraClient({ servers: [server.endpoint] });
  try {
    const answers = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => client.request("history", { channel: `c${i}` }),
      ),
    );
    assertEquals(
      answers.map((a) => a.raw.echo),
      Array.from({ length: 20 }, (_, i) => `c${i}`),
    );
  } finally {
    await client.close();
    await server.close();
  }
});
