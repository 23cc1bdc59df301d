import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { type AgoraApp, createApp } from "./app.ts";
import type { ChannelMessage, ChatSession, PrivateMessage } from "./cluster.ts";
import { FakeCluster } from "./fake_cluster.ts";
import { CONTENT_SECURITY_POLICY } from "./security_headers.ts";
import { sseResponse } from "./sse.ts";
import { SseReader } from "./testing_sse.ts";

const JSON_HEADERS = { "content-type": "application/json" };

interface Harness {
  app: AgoraApp;
  cluster: FakeCluster;
  nowMs: { value: number };
}

function harness(options: Parameters<typeof createApp>[1] = {}): Harness {
  const nowMs = { value: 1_764_190_000_000 };
  const cluster = new FakeCluster({ now: () => nowMs.value });
  let tokens = 0;
  const app = createApp(cluster, {
    now: () => nowMs.value,
    newToken: () => `token-${++tokens}`,
    assets: (name) =>
      Promise.resolve(
        name === "index.html"
          ? new TextEncoder().encode("<!doctype html><title>agora</title>")
          : null,
      ),
    logError: () => {},
    ...options,
  });
  return { app, cluster, nowMs };
}

function post(
  app: AgoraApp,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<Response> {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (cookie !== undefined) headers.cookie = cookie;
  return Promise.resolve(
    app.request(path, { method: "POST", headers, body: JSON.stringify(body) }),
  );
}

function get(app: AgoraApp, path: string, cookie?: string) {
  return Promise.resolve(
    app.request(path, { headers: cookie ? { cookie } : {} }),
  );
}

async function login(app: AgoraApp, user: string): Promise<string> {
  const response = await post(app, "/api/login", { user });
  equal(response.status, 200, await response.clone().text());
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = /^(agora_session=[^;]+)/.exec(setCookie)?.[1];
  ok(cookie, `No session cookie in "${setCookie}"`);
  return cookie;
}

async function events(app: AgoraApp, cookie: string): Promise<SseReader> {
  const response = await get(app, "/api/events", cookie);
  equal(response.status, 200);
  const reader = new SseReader(response);
  equal((await reader.next()).event, "ready");
  return reader;
}

Deno.test("login sets an HttpOnly SameSite=Strict session cookie", async () => {
  const { app } = harness();
  const response = await post(app, "/api/login", { user: "ana" });
  equal(response.status, 200);
  deepStrictEqual(await response.json(), { user: "ana" });
  const setCookie = response.headers.get("set-cookie") ?? "";
  match(setCookie, /^agora_session=token-1;/);
  match(setCookie, /HttpOnly/);
  match(setCookie, /SameSite=Strict/);
  match(setCookie, /Path=\//);

  const session = await get(app, "/api/session", "agora_session=token-1");
  deepStrictEqual(await session.json(), {
    user: "ana",
    channels: [],
    peers: [],
  });
  await app.close();
});

Deno.test("chat routes refuse requests without a session", async () => {
  const { app } = harness();
  const anonymous = await get(app, "/api/session");
  deepStrictEqual(await anonymous.json(), {
    user: null,
    channels: [],
    peers: [],
  });
  for (const path of ["/api/users", "/api/channels", "/api/events"]) {
    const response = await get(app, path);
    equal(response.status, 401, path);
    deepStrictEqual(await response.json(), { error: "Please log in first" });
  }
  const forged = await post(
    app,
    "/api/messages",
    { channel: "general", message: "hi" },
    "agora_session=guess",
  );
  equal(forged.status, 401);
  await app.close();
});

Deno.test("bad input gets clear JSON errors", async () => {
  const { app } = harness();
  const cases: [Promise<Response>, number, string][] = [
    [
      post(app, "/api/login", { user: " ana" }),
      400,
      "User name must not start or end with whitespace",
    ],
    [post(app, "/api/login", { user: "" }), 400, "User name is empty"],
    [post(app, "/api/login", { user: 42 }), 400, "User name must be a string"],
    [post(app, "/api/login", {}), 400, "User name must be a string"],
    [
      post(app, "/api/login", { user: "x".repeat(65) }),
      400,
      "User name is longer than 64 bytes",
    ],
    [
      post(app, "/api/login", { user: "a\u0007b" }),
      400,
      "User name contains control characters",
    ],
    [
      post(app, "/api/login", { user: "servers" }),
      400,
      'User name "servers" is reserved',
    ],
    [post(app, "/api/login", [1]), 400, "Request body must be a JSON object"],
    [
      Promise.resolve(app.request("/api/login", {
        method: "POST",
        headers: JSON_HEADERS,
        body: "{not json",
      })),
      400,
      "Request body is not valid JSON",
    ],
    [
      Promise.resolve(app.request("/api/login", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ user: "ana" }),
      })),
      415,
      "Request body must be JSON (application/json)",
    ],
    [
      post(app, "/api/login", { user: "a".repeat(20_000) }),
      413,
      "Request body is over 16384 bytes",
    ],
  ];
  for (const [request, status, error] of cases) {
    const response = await request;
    equal(response.status, status, error);
    deepStrictEqual(await response.json(), { error });
  }

  const cookie = await login(app, "ana");
  const more: [Promise<Response>, number, string][] = [
    [
      post(
        app,
        "/api/messages",
        { channel: "general", message: "   " },
        cookie,
      ),
      400,
      "Message is empty",
    ],
    [
      post(app, "/api/messages", { channel: "nope", message: "hi" }, cookie),
      400,
      'Unknown channel "nope"',
    ],
    [
      post(app, "/api/messages", {
        channel: "general",
        message: "é".repeat(2049),
      }, cookie),
      400,
      "Message is longer than 4096 bytes",
    ],
    [
      get(app, "/api/messages?channel=general&limit=0", cookie),
      400,
      "Limit must be between 1 and 1000",
    ],
    [
      get(app, "/api/messages?channel=general&limit=abc", cookie),
      400,
      'Limit "abc" is not a whole number',
    ],
    [
      post(app, "/api/private", { to: "nobody", message: "hi" }, cookie),
      400,
      'Unknown user "nobody"',
    ],
    [get(app, "/api/nowhere", cookie), 404, 'No such page "/api/nowhere"'],
  ];
  for (const [request, status, error] of more) {
    const response = await request;
    equal(response.status, status, error);
    deepStrictEqual(await response.json(), { error });
  }
  await app.close();
});

Deno.test("every response carries the security headers", async () => {
  const { app } = harness();
  for (const path of ["/", "/api/session", "/api/cluster/status", "/missing"]) {
    const response = await get(app, path);
    await response.body?.cancel();
    equal(
      response.headers.get("content-security-policy"),
      CONTENT_SECURITY_POLICY,
      path,
    );
    equal(response.headers.get("x-content-type-options"), "nosniff");
    equal(response.headers.get("x-frame-options"), "DENY");
  }
  match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  await app.close();
});

Deno.test("static assets are served by name only", async () => {
  const { app } = harness();
  const index = await get(app, "/");
  equal(index.status, 200);
  equal(index.headers.get("content-type"), "text/html; charset=utf-8");
  match(await index.text(), /<title>agora<\/title>/);
  for (
    const path of [
      "/assets/missing.js",
      "/assets/..%2Fdeno.json",
      "/assets/.env",
    ]
  ) {
    const response = await get(app, path);
    equal(response.status, 404, path);
    await response.body?.cancel();
  }
  await app.close();
});

Deno.test("cross-site POSTs are refused", async () => {
  const { app } = harness();
  const foreign = await app.request("/api/login", {
    method: "POST",
    headers: { ...JSON_HEADERS, origin: "https://evil.example" },
    body: JSON.stringify({ user: "ana" }),
  });
  equal(foreign.status, 403);
  const crossSite = await app.request("/api/login", {
    method: "POST",
    headers: { ...JSON_HEADERS, "sec-fetch-site": "cross-site" },
    body: JSON.stringify({ user: "ana" }),
  });
  equal(crossSite.status, 403);
  const sameSite = await app.request("http://localhost/api/login", {
    method: "POST",
    headers: { ...JSON_HEADERS, origin: "http://localhost" },
    body: JSON.stringify({ user: "ana" }),
  });
  equal(sameSite.status, 200);
  await app.close();
});

Deno.test("channel messages stream live and page back through history", async () => {
  const { app } = harness();
  const ana = await login(app, "ana");
  equal(
    (await post(app, "/api/channels", { channel: "general" }, ana)).status,
    201,
  );
  const taken = await post(app, "/api/channels", { channel: "general" }, ana);
  deepStrictEqual(await taken.json(), {
    error: 'Channel "general" already exists',
  });
  equal(
    (await post(app, "/api/channels/join", { channel: "general" }, ana)).status,
    200,
  );
  const stream = await events(app, ana);
  for (const text of ["one", "two", "three"]) {
    equal(
      (await post(
        app,
        "/api/messages",
        { channel: "general", message: text },
        ana,
      ))
        .status,
      201,
    );
  }
  const live: ChannelMessage[] = [];
  for (let i = 0; i < 3; i++) {
    const event = await stream.next();
    equal(event.event, "channel_message");
    live.push(event.data as ChannelMessage);
  }
  deepStrictEqual(live.map((m) => m.message), ["one", "two", "three"]);
  ok(live.every((m) => m.user === "ana" && m.channel === "general"));

  const page = await get(app, "/api/messages?channel=general&limit=2", ana);
  const { messages } = await page.json() as { messages: ChannelMessage[] };
  deepStrictEqual(messages.map((m) => m.message), ["two", "three"]);
  const older = await get(
    app,
    `/api/messages?channel=general&limit=2&before=${
      encodeURIComponent(messages[0].id)
    }`,
    ana,
  );
  const back = await older.json() as { messages: ChannelMessage[] };
  deepStrictEqual(back.messages.map((m) => m.message), ["one"]);

  const list = await get(app, "/api/channels", ana);
  deepStrictEqual(await list.json(), {
    channels: ["general"],
    joined: ["general"],
  });
  await stream.close();
  await app.close();
});

Deno.test("a session streams only its own user's private messages", async () => {
  const { app } = harness();
  const ana = await login(app, "ana");
  const bob = await login(app, "bob");
  const eve = await login(app, "eve");
  await post(app, "/api/channels", { channel: "lobby" }, ana);
  await post(app, "/api/channels/join", { channel: "lobby" }, eve);
  const anaStream = await events(app, ana);
  const bobStream = await events(app, bob);
  const eveStream = await events(app, eve);

  const sent = await post(
    app,
    "/api/private",
    { to: "bob", message: "psst" },
    ana,
  );
  equal(sent.status, 201);
  const { message } = await sent.json() as { message: PrivateMessage };
  equal(message.src, "ana");
  equal(message.dst, "bob");

  const toBob = await bobStream.next();
  equal(toBob.event, "private_message");
  deepStrictEqual(toBob.data, message);
  // The sender sees her own copy (the cluster publishes only to "bob").
  deepStrictEqual((await anaStream.next()).data, message);

  // Eve's next event is the public marker, not the private message.
  await post(
    app,
    "/api/messages",
    { channel: "lobby", message: "marker" },
    ana,
  );
  const forEve = await eveStream.next();
  equal(forEve.event, "channel_message");
  equal((forEve.data as ChannelMessage).message, "marker");

  // History is always between the session user and the peer.
  const eveView = await get(app, "/api/private?peer=bob", eve);
  deepStrictEqual(await eveView.json(), { messages: [] });
  const bobView = await get(app, "/api/private?peer=ana", bob);
  const bobHistory = await bobView.json() as { messages: PrivateMessage[] };
  deepStrictEqual(bobHistory.messages.map((m) => m.message), ["psst"]);
  const bobSession = await get(app, "/api/session", bob);
  deepStrictEqual((await bobSession.json()).peers, ["ana"]);

  await Promise.all([anaStream, bobStream, eveStream].map((s) => s.close()));
  await app.close();
});

Deno.test("logout ends the session and its stream", async () => {
  const { app } = harness();
  const ana = await login(app, "ana");
  const stream = await events(app, ana);
  const out = await post(app, "/api/logout", {}, ana);
  equal(out.status, 200);
  match(out.headers.get("set-cookie") ?? "", /agora_session=;/);
  equal((await stream.next()).event, "logout");
  equal((await get(app, "/api/users", ana)).status, 401);
  await stream.close();
  await app.close();
});

Deno.test("a slow session's queue is bounded and it is told to resync", async () => {
  const { app } = harness({ sessionQueueEvents: 2 });
  const ana = await login(app, "ana");
  await post(app, "/api/channels", { channel: "busy" }, ana);
  await post(app, "/api/channels/join", { channel: "busy" }, ana);
  for (let i = 1; i <= 5; i++) {
    await post(
      app,
      "/api/messages",
      { channel: "busy", message: `m${i}` },
      ana,
    );
  }
  const response = await app.request("/api/events", {
    headers: { cookie: ana, "last-event-id": "0" },
  });
  const stream = new SseReader(response);
  equal((await stream.next()).event, "ready");
  equal((await stream.next()).event, "reset");
  const kept = [await stream.next(), await stream.next()];
  deepStrictEqual(
    kept.map((e) => (e.data as ChannelMessage).message),
    ["m4", "m5"],
  );
  deepStrictEqual(kept.map((e) => e.id), ["4", "5"]);
  await stream.close();
  await app.close();
});

Deno.test("sessions are bounded in number and idle time", async () => {
  const { app, nowMs } = harness({ maxSessions: 2, sessionIdleMs: 60_000 });
  const ana = await login(app, "ana");
  nowMs.value += 1;
  const bob = await login(app, "bob");
  nowMs.value += 1;
  await login(app, "eve"); // evicts ana, the least recently seen
  equal((await get(app, "/api/users", ana)).status, 401);
  equal((await get(app, "/api/users", bob)).status, 200);
  nowMs.value += 60_001;
  equal((await get(app, "/api/users", bob)).status, 401);
  await app.close();
});

async function refusedBusy(response: Response, message: RegExp) {
  equal(response.status, 503);
  equal(response.headers.get("retry-after"), "5");
  match((await response.json()).error, message);
}

Deno.test("event streams are capped app-wide and per session; closing frees a slot", async () => {
  const { app } = harness({
    maxStreams: 3,
    maxStreamsPerSession: 2,
    statusIntervalMs: 60_000,
  });
  const ana = await login(app, "ana");
  const bob = await login(app, "bob");
  const first = await events(app, ana);
  const second = await events(app, ana);
  await refusedBusy(
    await get(app, "/api/events", ana),
    /This session has too many event streams open/,
  );
  const dashboard = new SseReader(await get(app, "/api/cluster/stream"));
  equal((await dashboard.next()).event, "snapshot");

  // Three streams open: every kind of stream is refused, before any work.
  await refusedBusy(
    await get(app, "/api/events", bob),
    /Too many event streams are open/,
  );
  await refusedBusy(
    await get(app, "/api/cluster/stream"),
    /Too many event streams are open/,
  );
  await refusedBusy(
    await post(app, "/api/tests/run", {}),
    /Too many event streams are open/,
  );
  deepStrictEqual(await (await get(app, "/api/tests/state")).json(), {
    running: false,
  });

  // A browser going away gives its slot back, to anyone.
  await first.close();
  const forBob = await events(app, bob);
  await refusedBusy(
    await get(app, "/api/cluster/stream"),
    /Too many event streams are open/,
  );
  // A stream ended by logout gives its slot back too.
  await post(app, "/api/logout", {}, bob);
  equal((await forBob.nextOf("logout")).event, "logout");
  await rejects(forBob.next(), { message: "Event stream ended" });
  const again = await events(app, ana);

  await Promise.all([second, dashboard, forBob, again].map((s) => s.close()));
  await app.close();
});

Deno.test("a login evicts only an idle session, and is refused when all are listening", async () => {
  const { app, nowMs } = harness({ maxSessions: 2, sessionIdleMs: 60_000 });
  const ana = await login(app, "ana");
  const anaStream = await events(app, ana);
  nowMs.value += 1;
  const bob = await login(app, "bob");
  nowMs.value += 1;
  // Ana was seen first but is listening: bob, idle, is the one evicted.
  const eve = await login(app, "eve");
  equal((await get(app, "/api/users", bob)).status, 401);
  const eveStream = await events(app, eve);
  // A listening session outlives the idle timeout.
  nowMs.value += 60_001;
  equal((await get(app, "/api/users", ana)).status, 200);
  equal((await get(app, "/api/users", eve)).status, 200);

  // Everyone listens: a new login is refused, nobody is logged out.
  await refusedBusy(
    await post(app, "/api/login", { user: "mallory" }),
    /as many active sessions as it can hold/,
  );
  await post(app, "/api/channels", { channel: "lobby" }, ana);
  await post(app, "/api/channels/join", { channel: "lobby" }, ana);
  await post(app, "/api/messages", { channel: "lobby", message: "hi" }, ana);
  equal((await anaStream.next()).event, "channel_message");

  // Once ana's stream closes she is idle again, and evicted first.
  await anaStream.close();
  nowMs.value += 1;
  await login(app, "mallory");
  equal((await get(app, "/api/users", ana)).status, 401);
  equal((await get(app, "/api/users", eve)).status, 200);

  await eveStream.close();
  await app.close();
});

Deno.test("an SSE response reports keep-alives and ends exactly once", async () => {
  let heartbeats = 0;
  let closes = 0;
  const response = sseResponse(
    async function* (signal) {
      yield { event: "hello", data: {} };
      await new Promise((resolve) =>
        signal.addEventListener("abort", resolve, { once: true })
      );
    },
    {
      heartbeatMs: 5,
      onHeartbeat: () => heartbeats++,
      onClose: () => closes++,
    },
  );
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes(": keep-alive")) {
    const { value, done } = await reader.read();
    ok(!done, "The stream ended before a keep-alive");
    text += decoder.decode(value, { stream: true });
  }
  ok(heartbeats >= 1);
  equal(closes, 0);
  await reader.cancel();
  equal(closes, 1);

  const finished = sseResponse(async function* () {
    yield { event: "only", data: 1 };
  }, { heartbeatMs: 60_000, onClose: () => closes++ });
  equal(await finished.text(), "event: only\ndata: 1\n\n");
  equal(closes, 2);
});

Deno.test("the dashboard stream sends a snapshot, then events as they happen", async () => {
  const { app, cluster } = harness({ statusIntervalMs: 60_000 });
  const response = await get(app, "/api/cluster/stream");
  equal(response.status, 200);
  equal(
    response.headers.get("content-type"),
    "text/event-stream; charset=utf-8",
  );
  const stream = new SseReader(response);
  const snapshot = await stream.next();
  equal(snapshot.event, "snapshot");
  const { status } = snapshot.data as {
    status: { coordinator: string; servers: { name: string }[] };
  };
  equal(status.coordinator, "server_1");
  deepStrictEqual(status.servers.map((s) => s.name), [
    "server_1",
    "server_2",
    "server_3",
  ]);

  cluster.stopServer("server_1");
  deepStrictEqual((await stream.next()).data, {
    type: "server_down",
    server: "server_1",
    timestamp: 1_764_190_000,
    id: 1,
  });
  const election = await stream.next();
  equal(election.event, "cluster_event");
  equal((election.data as { coordinator: string }).coordinator, "server_2");
  await stream.close();

  const snapshotNow = await get(app, "/api/cluster/status");
  equal((await snapshotNow.json()).coordinator, "server_2");
  await app.close();
});

Deno.test("what happens while no dashboard is open is shown to the next one, at its time", async () => {
  const { app, cluster, nowMs } = harness({ statusIntervalMs: 60_000 });
  const stoppedAt = nowMs.value / 1000;
  cluster.stopServer("server_1"); // nobody watches
  nowMs.value += 23_000; // a page opens later
  const first = new SseReader(await get(app, "/api/cluster/stream"));
  const snapshot = (await first.next()).data as {
    events: { type: string; timestamp: number; id: number }[];
  };
  deepStrictEqual(
    snapshot.events.map((e) => [e.type, e.timestamp, e.id]),
    [["server_down", stoppedAt, 1], ["election", stoppedAt, 2]],
  );
  // Another tab (or a reconnection) gets the same events, same ids.
  const second = new SseReader(await get(app, "/api/cluster/stream"));
  deepStrictEqual(
    ((await second.next()).data as { events: unknown }).events,
    snapshot.events,
  );
  await Promise.all([first.close(), second.close()]);
  await app.close();
});

Deno.test("the tests route streams each result, then the summary", async () => {
  const { app } = harness();
  const response = await post(app, "/api/tests/run", {});
  equal(response.status, 200);
  const busy = await post(app, "/api/tests/run", {});
  equal(busy.status, 409);
  deepStrictEqual(await busy.json(), {
    error: "A test run is already in progress",
  });

  const stream = new SseReader(response);
  equal((await stream.next()).event, "start");
  const names: string[] = [];
  for (;;) {
    const event = await stream.next();
    if (event.event === "summary") {
      const summary = event.data as { passed: number; total: number };
      equal(summary.total, names.length);
      equal(summary.passed, summary.total);
      break;
    }
    equal(event.event, "result");
    const result = event.data as {
      name: string;
      passed: boolean;
      message: string;
    };
    ok(result.passed, `${result.name}: ${result.message}`);
    names.push(result.name);
  }
  ok(names.length >= 5);
  await stream.close();

  const again = await post(app, "/api/tests/run", {});
  equal(again.status, 200, "a finished run frees the runner");
  await again.body?.cancel();
  await app.close();
});

/**
 * A cluster whose private feeds and private history also return other
 * people's messages — the app must filter them out on its own.
 */
class LeakyCluster extends FakeCluster {
  readonly feeds = new Map<string, (message: PrivateMessage) => void>();

  override async login(user: string): Promise<ChatSession> {
    const inner = await super.login(user);
    const feeds = this.feeds;
    const foreign: PrivateMessage = {
      id: "leak:1",
      src: "ana",
      dst: "bob",
      user: "ana",
      message: "not for you",
      timestamp: 1,
      clock: 1,
      server: "leak",
    };
    return {
      user: inner.user,
      users: () => inner.users(),
      channels: () => inner.channels(),
      createChannel: (channel) => inner.createChannel(channel),
      subscribe: (channel, onMessage) => inner.subscribe(channel, onMessage),
      subscribePrivate(onMessage) {
        feeds.set(user, onMessage);
        return inner.subscribePrivate(onMessage);
      },
      publish: (channel, message) => inner.publish(channel, message),
      sendPrivate: (dst, message) => inner.sendPrivate(dst, message),
      history: (channel, page) => inner.history(channel, page),
      async privateHistory(peer, page) {
        return [foreign, ...await inner.privateHistory(peer, page)];
      },
      close: () => inner.close(),
    };
  }
}

Deno.test("the app never streams another user's private message, whatever the cluster delivers", async () => {
  const cluster = new LeakyCluster({ now: () => 1_764_190_000_000 });
  let tokens = 0;
  const app = createApp(cluster, {
    newToken: () => `leaky-${++tokens}`,
    logError: () => {},
  });
  await login(app, "ana");
  await login(app, "bob");
  const eve = await login(app, "eve");
  await post(app, "/api/channels", { channel: "lobby" }, eve);
  await post(app, "/api/channels/join", { channel: "lobby" }, eve);
  const stream = await events(app, eve);

  cluster.feeds.get("eve")?.({
    id: "leak:2",
    src: "ana",
    dst: "bob",
    user: "ana",
    message: "not for eve",
    timestamp: 1,
    clock: 2,
    server: "leak",
  });
  await post(
    app,
    "/api/messages",
    { channel: "lobby", message: "marker" },
    eve,
  );
  const next = await stream.next();
  equal(next.event, "channel_message");
  equal((next.data as ChannelMessage).message, "marker");

  const history = await get(app, "/api/private?peer=ana", eve);
  deepStrictEqual(await history.json(), { messages: [] });
  const session = await get(app, "/api/session", eve);
  deepStrictEqual((await session.json()).peers, ["ana"]);

  await stream.close();
  await app.close();
});

/**
 * A cluster whose next `status()` reports a server failure while it runs,
 * as a real poll does when it notices one.
 */
class NoticingCluster extends FakeCluster {
  failOnNextStatus: string | null = null;

  override status() {
    const failing = this.failOnNextStatus;
    this.failOnNextStatus = null;
    if (failing !== null) this.stopServer(failing);
    return super.status();
  }
}

Deno.test("an event noticed while a new dashboard's snapshot is taken reaches it once", async () => {
  const cluster = new NoticingCluster({ now: () => 1_764_190_000_000 });
  const app = createApp(cluster, { statusIntervalMs: 60_000, logError() {} });
  cluster.failOnNextStatus = "server_3";
  const stream = new SseReader(await get(app, "/api/cluster/stream"));
  const snapshot = await stream.next();
  equal(snapshot.event, "snapshot");
  const { events } = snapshot.data as {
    events: { type: string; server?: string; id: number }[];
  };
  deepStrictEqual(
    events.map((e) => [e.type, e.server ?? null]),
    [["server_down", "server_3"]],
  );
  // The next event on the stream is the next failure, not the same again.
  cluster.stopServer("server_2");
  const next = await stream.next();
  equal(next.event, "cluster_event");
  const event = next.data as { type: string; server: string; id: number };
  deepStrictEqual([event.type, event.server], ["server_down", "server_2"]);
  ok(event.id > events[0].id, "ids grow");
  await stream.close();
  await app.close();
});

Deno.test("closing the app ends every open stream", async () => {
  const { app } = harness({ statusIntervalMs: 60_000 });
  const ana = await login(app, "ana");
  const chat = await events(app, ana);
  const dashboard = new SseReader(await get(app, "/api/cluster/stream"));
  equal((await dashboard.next()).event, "snapshot");

  await app.close();
  await rejects(chat.next(), { message: "Event stream ended" });
  await rejects(dashboard.next(), { message: "Event stream ended" });
});
