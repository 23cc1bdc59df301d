import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import { decodeEnvelope } from "./envelope.ts";
import { MAX_REQUEST_BYTES, MAX_TEXT_BYTES, SYNC_LIMIT_MAX } from "./limits.ts";
import {
  encodeRequest,
  parseReferenceRequest,
  parseServerRequest,
  type RequestFailure,
} from "./requests.ts";

const stamp = { timestamp: 1764190000.5, clock: 7 };

function frame(service: string, data: Record<string, unknown>): Uint8Array {
  return encode({ service, data });
}

function parsedData(service: string, data: Record<string, unknown>): unknown {
  const result = parseServerRequest(frame(service, data));
  assert.equal(result.ok, true, result.ok ? "" : result.description);
  return result.ok ? result.request.data : undefined;
}

function failure(
  result: ReturnType<typeof parseServerRequest>,
): RequestFailure {
  assert.equal(result.ok, false, "expected a failure");
  return result as RequestFailure;
}

Deno.test("parseServerRequest() reads every client service", () => {
  const s = { timestamp: 1.5, clock: 2 };
  assert.deepEqual(parsedData("login", { user: "ana", ...s }), {
    user: "ana",
    ...s,
  });
  assert.deepEqual(parsedData("users", s), s);
  assert.deepEqual(parsedData("channel", { channel: "geral", ...s }), {
    channel: "geral",
    ...s,
  });
  assert.deepEqual(parsedData("channel", { channel: "geral", user: "ana" }), {
    channel: "geral",
    user: "ana",
  });
  assert.deepEqual(parsedData("channels", {}), {});
  assert.deepEqual(
    parsedData("publish", {
      user: "ana",
      channel: "geral",
      message: "oi",
      ...s,
    }),
    {
      user: "ana",
      channel: "geral",
      message: "oi",
      ...s,
    },
  );
  assert.deepEqual(
    parsedData("message", { src: "ana", dst: "bia", message: "oi" }),
    {
      src: "ana",
      dst: "bia",
      message: "oi",
    },
  );
  assert.deepEqual(parsedData("history", { channel: "geral" }), {
    channel: "geral",
    limit: 100,
  });
  assert.deepEqual(
    parsedData("history", { channel: "geral", limit: 5, before: "server_1:9" }),
    {
      channel: "geral",
      limit: 5,
      before: "server_1:9",
    },
  );
  assert.deepEqual(
    parsedData("private_history", { user1: "ana", user2: "bia", limit: 3 }),
    {
      user1: "ana",
      user2: "bia",
      limit: 3,
    },
  );
  assert.deepEqual(parsedData("subscribe", { user: "ana", channel: "geral" }), {
    user: "ana",
    channel: "geral",
  });
});

Deno.test("parseServerRequest() reads every server-to-server service", () => {
  assert.deepEqual(parsedData("clock", { timestamp: 3, clock: 1 }), {
    timestamp: 3,
    clock: 1,
  });
  assert.deepEqual(parsedData("clock", { auth: "ab12" }), { auth: "ab12" });
  assert.deepEqual(parsedData("election", {}), {});
  assert.deepEqual(
    parsedData("election", { rank: 2, name: "server_2", auth: "x" }),
    {
      rank: 2,
      name: "server_2",
      auth: "x",
    },
  );
  assert.deepEqual(parsedData("clock_adjust", { adjust: -0.125 }), {
    adjust: -0.125,
  });
  assert.deepEqual(parsedData("sync", { origin: "server_1", after: 0 }), {
    origin: "server_1",
    after: 0,
    limit: 500,
  });
  assert.deepEqual(
    parsedData("sync", { origin: "server_1", after: 10, limit: 5000 }),
    {
      origin: "server_1",
      after: 10,
      limit: SYNC_LIMIT_MAX,
    },
  );
  assert.deepEqual(parsedData("sync_state", {}), {});
  assert.deepEqual(parsedData("status", { auth: "k" }), { auth: "k" });
});

Deno.test("parseServerRequest() tolerates a missing or nil stamp", () => {
  assert.deepEqual(parsedData("login", { user: "ana" }), { user: "ana" });
  assert.deepEqual(
    parsedData("login", { user: "ana", timestamp: null, clock: null }),
    {
      user: "ana",
    },
  );
  // Integer timestamps (and floats holding integers for clock) are fine.
  assert.deepEqual(parsedData("users", { timestamp: 1764190000, clock: 4.0 }), {
    timestamp: 1764190000,
    clock: 4,
  });
});

Deno.test("parseServerRequest() rejects an invalid stamp", () => {
  for (
    const [data, pattern] of [
      [{ clock: -1 }, /"clock" must be a non-negative integer/],
      [{ clock: 1.5 }, /"clock" must be a non-negative integer/],
      [{ clock: "3" }, /"clock" must be a non-negative integer/],
      [{ clock: 2 ** 53 }, /"clock" must be a non-negative integer/],
      [{ timestamp: "now" }, /"timestamp" must be a non-negative number/],
      [{ timestamp: -5 }, /"timestamp" must be a non-negative number/],
      [{ timestamp: NaN }, /"timestamp" must be a non-negative number/],
      [{ timestamp: Infinity }, /"timestamp" must be a non-negative number/],
    ] as const
  ) {
    const result = failure(parseServerRequest(frame("users", data)));
    assert.match(result.description, pattern);
  }
});

Deno.test("parseServerRequest() ignores unknown fields and inherited names", () => {
  assert.deepEqual(
    parsedData("login", { user: "ana", extra: [1, 2], toString: 3 }),
    {
      user: "ana",
    },
  );
  // A field absent from the map is missing even if Object.prototype has it.
  const result = failure(
    parseServerRequest(frame("publish", { user: "ana", message: "x" })),
  );
  assert.equal(result.description, 'The field "channel" is missing.');
  const hidden = failure(parseServerRequest(frame("login", {})));
  assert.equal(hidden.description, 'The field "user" is missing.');
});

Deno.test("parseServerRequest() explains field errors", () => {
  const long = "x".repeat(MAX_TEXT_BYTES + 1);
  const cases: [string, Record<string, unknown>, string][] = [
    ["login", {}, 'The field "user" is missing.'],
    ["login", { user: 3 }, 'The field "user" must be a string.'],
    ["login", { user: "" }, 'The field "user" must not be empty.'],
    ["login", { user: "servers" }, 'The name "servers" is reserved.'],
    [
      "channel",
      { channel: "replication" },
      'The name "replication" is reserved.',
    ],
    [
      "channel",
      { channel: "a", user: 5 },
      'The field "user" must be a string.',
    ],
    [
      "publish",
      { user: "a", channel: "b", message: "" },
      'The field "message" must not be empty.',
    ],
    [
      "publish",
      { user: "a", channel: "b", message: 7 },
      'The field "message" must be a string.',
    ],
    [
      "publish",
      { user: "a", channel: "b", message: long },
      `The field "message" must be at most 4096 bytes of UTF-8 (got 4097).`,
    ],
    [
      "message",
      { src: "a", dst: " b", message: "x" },
      'The field "dst" must not start or end with whitespace.',
    ],
    [
      "history",
      { channel: "c", limit: 0 },
      'The field "limit" must be a positive integer.',
    ],
    [
      "history",
      { channel: "c", limit: 2.5 },
      'The field "limit" must be a positive integer.',
    ],
    [
      "history",
      { channel: "c", limit: "10" },
      'The field "limit" must be a positive integer.',
    ],
    [
      "history",
      { channel: "c", before: "nope" },
      'The field "before" must be a message id such as "server_1:42".',
    ],
    [
      "history",
      { channel: "c", before: 42 },
      'The field "before" must be a message id such as "server_1:42".',
    ],
    ["private_history", { user1: "a" }, 'The field "user2" is missing.'],
    ["subscribe", { user: "a" }, 'The field "channel" is missing.'],
    [
      "election",
      { rank: -1 },
      'The field "rank" must be a non-negative integer.',
    ],
    ["clock_adjust", {}, 'The field "adjust" is missing.'],
    [
      "clock_adjust",
      { adjust: "1" },
      'The field "adjust" must be a finite number.',
    ],
    ["sync", { origin: "s" }, 'The field "after" is missing.'],
    [
      "sync",
      { origin: "s", after: -1 },
      'The field "after" must be a non-negative integer.',
    ],
    ["status", { auth: "" }, 'The field "auth" must be a non-empty string.'],
    [
      "status",
      { auth: "a\nb" },
      'The field "auth" must not contain control characters.',
    ],
    [
      "status",
      { auth: "x".repeat(513) },
      'The field "auth" must be at most 512 bytes.',
    ],
  ];
  for (const [service, data, description] of cases) {
    const result = failure(parseServerRequest(frame(service, data)));
    assert.equal(
      result.description,
      description,
      `${service} ${JSON.stringify(data).slice(0, 80)}`,
    );
    assert.equal(result.service, service);
  }
});

Deno.test("a failed request carries the spec's error reply", () => {
  const result = failure(
    parseServerRequest(frame("login", { user: 1, clock: 12 })),
  );
  assert.equal(result.clock, 12);
  assert.deepEqual(result.reply, {
    service: "error",
    data: { status: "erro", description: 'The field "user" must be a string.' },
  });
  // publish/message clients read the reason in "message".
  const publish = failure(parseServerRequest(frame("publish", {})));
  assert.deepEqual(publish.reply, {
    service: "error",
    data: {
      status: "erro",
      description: 'The field "user" is missing.',
      message: 'The field "user" is missing.',
    },
  });
});

Deno.test("parseServerRequest() refuses unknown services and reference services", () => {
  const unknown = failure(parseServerRequest(frame("dance", { clock: 3 })));
  assert.equal(unknown.description, 'Unknown service "dance".');
  assert.equal(unknown.service, "dance");
  assert.equal(unknown.clock, 3);
  assert.equal(
    failure(parseServerRequest(frame("rank", { user: "s" }))).description,
    'Unknown service "rank".',
  );
  // Hostile names are echoed short and printable.
  const hostile = failure(
    parseServerRequest(frame(`a\n${"b".repeat(500)}`, {})),
  );
  assert.ok(hostile.description.length < 100);
  assert.ok(!hostile.description.includes("\n"));
});

Deno.test("parseServerRequest() refuses malformed frames without a service", () => {
  const result = failure(parseServerRequest(new Uint8Array([0x93, 1, 2, 3])));
  assert.equal(result.service, undefined);
  assert.equal(result.clock, undefined);
  assert.equal(result.reply.service, "error");
  const big = failure(
    parseServerRequest(new Uint8Array(MAX_REQUEST_BYTES + 1)),
  );
  assert.match(big.description, /too large/);
  assert.equal(
    failure(parseServerRequest("text")).description,
    "The frame must be bytes.",
  );
});

Deno.test("parseReferenceRequest() reads rank, list and heartbeat only", () => {
  const rank = parseReferenceRequest(
    frame("rank", {
      user: "server_1",
      address: "tcp://10.0.0.2:5555",
      clock: 1,
    }),
  );
  assert.deepEqual(rank, {
    ok: true,
    request: {
      service: "rank",
      data: { user: "server_1", address: "tcp://10.0.0.2:5555", clock: 1 },
    },
  });
  assert.deepEqual(parseReferenceRequest(frame("list", {})), {
    ok: true,
    request: { service: "list", data: {} },
  });
  assert.deepEqual(
    parseReferenceRequest(frame("heartbeat", { user: "server_1" })),
    {
      ok: true,
      request: { service: "heartbeat", data: { user: "server_1" } },
    },
  );
  const login = parseReferenceRequest(frame("login", { user: "ana" }));
  assert.equal(login.ok, false);
  if (!login.ok) assert.equal(login.description, 'Unknown service "login".');
  const noName = parseReferenceRequest(frame("rank", {}));
  assert.equal(noName.ok, false);
});

Deno.test("parseReferenceRequest() reads the peer_address extension like address", () => {
  assert.deepEqual(
    parseReferenceRequest(
      frame("heartbeat", {
        user: "server_1",
        address: "tcp://10.0.0.2:5555",
        peer_address: "tcp://10.0.0.2:5556",
      }),
    ),
    {
      ok: true,
      request: {
        service: "heartbeat",
        data: {
          user: "server_1",
          address: "tcp://10.0.0.2:5555",
          peer_address: "tcp://10.0.0.2:5556",
        },
      },
    },
  );
  for (const bad of [5, "", "x".repeat(10_000)]) {
    const parsed = parseReferenceRequest(
      frame("rank", { user: "server_1", peer_address: bad }),
    );
    assert.equal(parsed.ok, false, `peer_address ${String(bad).length}`);
  }
});

Deno.test("encodeRequest() stamps data and parses back", () => {
  const bytes = encodeRequest("history", { channel: "geral" }, stamp);
  assert.deepEqual(decodeEnvelope(bytes), {
    ok: true,
    value: { service: "history", data: { channel: "geral", ...stamp } },
  });
  assert.deepEqual(parseServerRequest(bytes), {
    ok: true,
    request: {
      service: "history",
      data: { channel: "geral", limit: 100, ...stamp },
    },
  });
  const rank = encodeRequest("rank", { user: "server_1" }, stamp);
  assert.equal(parseReferenceRequest(rank).ok, true);
});

Deno.test("parsed requests narrow by service", () => {
  const result = parseServerRequest(
    encodeRequest("publish", { user: "a", channel: "b", message: "c" }, stamp),
  );
  assert.equal(result.ok, true);
  if (!result.ok) return;
  const request = result.request;
  switch (request.service) {
    case "publish":
      assert.equal(request.data.message, "c");
      break;
    default:
      assert.fail(`unexpected ${request.service}`);
  }
});

Deno.test("parseServerRequest() reads clock_adjust's name and round extensions", () => {
  assert.deepEqual(
    parsedData("clock_adjust", { adjust: 1, name: "s1", round: 7 }),
    { adjust: 1, name: "s1", round: 7 },
  );
  assert.deepEqual(parsedData("clock_adjust", { adjust: -0.5 }), {
    adjust: -0.5,
  });
  failure(
    parseServerRequest(frame("clock_adjust", { adjust: 1, round: -1 })),
  );
  failure(parseServerRequest(frame("clock_adjust", { adjust: 1, name: "" })));
});

Deno.test("parseServerRequest() reads the request_id extension of publish and message", () => {
  assert.deepEqual(
    parsedData("publish", {
      user: "a",
      channel: "b",
      message: "m",
      request_id: "0f8e-Ab_1.2:x",
    }),
    { user: "a", channel: "b", message: "m", request_id: "0f8e-Ab_1.2:x" },
  );
  assert.deepEqual(
    parsedData("message", {
      src: "a",
      dst: "b",
      message: "m",
      request_id: "k",
    }),
    { src: "a", dst: "b", message: "m", request_id: "k" },
  );
  // Nil means not given, like every optional field.
  assert.deepEqual(
    parsedData("publish", {
      user: "a",
      channel: "b",
      message: "m",
      request_id: null,
    }),
    { user: "a", channel: "b", message: "m" },
  );
  for (const bad of ["", "x".repeat(65), "has space", "é", 7, ["k"]]) {
    const result = failure(
      parseServerRequest(
        frame("publish", {
          user: "a",
          channel: "b",
          message: "m",
          request_id: bad,
        }),
      ),
    );
    assert.match(result.description, /"request_id" must be 1 to 64 characters/);
  }
});
