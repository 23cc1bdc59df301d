import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import { decodeEnvelope } from "./envelope.ts";
import { parseReply, parseServerList } from "./parse_reply.ts";
import {
  encodeReply,
  errorReply,
  failureReply,
  stampReply,
} from "./replies.ts";
import type { Reply, ReplyService } from "./types.ts";
import { channelMessage, privateMessage, stamp } from "./_fixtures.ts";
import type { ChatRecord } from "../record.ts";

const record: ChatRecord = {
  origin: "server_1",
  seq: 4,
  clock: 5,
  timestamp: 1764190000.1,
  op: "publish",
  data: { user: "ana", channel: "geral", message: "oi" },
};

Deno.test("errorReply() follows the spec, adding message for publish/message", () => {
  assert.deepEqual(errorReply("Bad."), {
    service: "error",
    data: { status: "erro", description: "Bad." },
  });
  assert.deepEqual(errorReply("Bad.", "message"), {
    service: "error",
    data: { status: "erro", description: "Bad.", message: "Bad." },
  });
});

Deno.test("failureReply() gives each service its error form", () => {
  assert.deepEqual(failureReply("login", "No."), {
    service: "login",
    data: { status: "erro", description: "No." },
  });
  assert.deepEqual(failureReply("publish", "No."), {
    service: "publish",
    data: { status: "erro", message: "No.", description: "No." },
  });
  assert.deepEqual(failureReply("history", "No."), {
    service: "history",
    data: { status: "erro", description: "No." },
  });
});

Deno.test("stampReply() adds timestamp and clock without touching the reply", () => {
  const reply: Reply<"users"> = { service: "users", data: { users: ["ana"] } };
  assert.deepEqual(stampReply(reply, stamp), {
    service: "users",
    data: { users: ["ana"], ...stamp },
  });
  assert.deepEqual(reply.data, { users: ["ana"] });
});

Deno.test("encodeReply() writes one stamped frame", () => {
  const frame = encodeReply(
    { service: "login", data: { status: "sucesso" } },
    stamp,
  );
  assert.deepEqual(decodeEnvelope(frame), {
    ok: true,
    value: { service: "login", data: { status: "sucesso", ...stamp } },
  });
});

Deno.test("parseReply() round-trips every reply we build", () => {
  const replies: Reply[] = [
    { service: "login", data: { status: "sucesso" } },
    failureReply("login", "Invalid."),
    { service: "users", data: { users: ["ana", "bia"] } },
    { service: "channel", data: { status: "sucesso" } },
    { service: "channels", data: { channels: [] } },
    { service: "publish", data: { status: "OK" } },
    failureReply("message", "Unknown user."),
    {
      service: "history",
      data: { status: "sucesso", messages: [channelMessage] },
    },
    {
      service: "private_history",
      data: { status: "sucesso", messages: [privateMessage] },
    },
    failureReply("private_history", "Unknown user."),
    { service: "subscribe", data: { status: "sucesso" } },
    { service: "clock", data: { time: 1764190000.75 } },
    { service: "election", data: { election: "OK" } },
    { service: "clock_adjust", data: { status: "OK", offset: -0.2 } },
    { service: "sync", data: { records: [record], last: 4 } },
    { service: "sync_state", data: { vector: { server_1: 4, server_2: 0 } } },
    {
      service: "status",
      data: {
        name: "server_1",
        rank: 1,
        coordinator: null,
        offset: 0.5,
        counts: { users: 2 },
        vector: { server_1: 4 },
      },
    },
    { service: "rank", data: { rank: 3 } },
    {
      service: "list",
      data: {
        list: [{ name: "server_1", rank: 1, address: "tcp://127.0.0.1:5555" }, {
          name: "b",
          rank: 2,
        }, {
          name: "c",
          rank: 3,
          address: "tcp://127.0.0.1:5565",
          peer_address: "tcp://127.0.0.1:5566",
        }],
      },
    },
    { service: "heartbeat", data: { status: "OK" } },
    { service: "heartbeat", data: {} },
    errorReply("Nope.", "publish"),
  ];
  for (const reply of replies) {
    const parsed = parseReply(encodeReply(reply, stamp), reply.service);
    // JSON: count maps come back without a prototype, which is not the point here.
    assert.deepEqual(
      JSON.parse(JSON.stringify(parsed)),
      {
        ok: true,
        value: { service: reply.service, data: { ...reply.data, ...stamp } },
      },
      reply.service,
    );
  }
});

Deno.test("parseReply() accepts an error reply to any request", () => {
  const frame = encodeReply(errorReply("Unknown service."), stamp);
  const parsed = parseReply(frame, "users");
  assert.equal(parsed.ok, true);
  if (parsed.ok) assert.equal(parsed.value.service, "error");
});

Deno.test("parseReply() tolerates course servers", () => {
  // No stamp, no heartbeat status, the reason only in "message".
  assert.deepEqual(
    parseReply(encode({ service: "heartbeat", data: {} }), "heartbeat"),
    {
      ok: true,
      value: { service: "heartbeat", data: {} },
    },
  );
  assert.deepEqual(
    parseReply(
      encode({
        service: "publish",
        data: { status: "erro", message: "Canal inexistente" },
      }),
      "publish",
    ),
    {
      ok: true,
      value: {
        service: "publish",
        data: {
          status: "erro",
          message: "Canal inexistente",
          description: "Canal inexistente",
        },
      },
    },
  );
  const bare = parseReply(
    encode({ service: "login", data: { status: "erro" } }),
    "login",
  );
  assert.equal(bare.ok, true);
  if (
    bare.ok && bare.value.service === "login" &&
    bare.value.data.status === "erro"
  ) {
    assert.match(bare.value.data.description, /without a description/);
  }
});

Deno.test("parseReply() refuses wrong or malformed replies", () => {
  const cases: [Uint8Array, ReplyService, RegExp][] = [
    [
      encode({ service: "users", data: { users: [] } }),
      "login",
      /Expected a "login" reply, got "users"/,
    ],
    [
      encode({ service: "login", data: { status: "OK" } }),
      "login",
      /"status" must be "sucesso" or "erro"/,
    ],
    [
      encode({ service: "publish", data: { status: "sucesso" } }),
      "publish",
      /"status" must be "OK" or "erro"/,
    ],
    [encode({ service: "users", data: {} }), "users", /"users" is missing/],
    [
      encode({ service: "users", data: { users: "ana" } }),
      "users",
      /"users" must be a list/,
    ],
    [
      encode({ service: "users", data: { users: ["a", 1] } }),
      "users",
      /Element 1 of "users" must be a string/,
    ],
    [
      encode({ service: "rank", data: { rank: -1 } }),
      "rank",
      /"rank" must be a non-negative integer/,
    ],
    [
      encode({ service: "list", data: { list: [{ name: "a" }] } }),
      "list",
      /Element 0 of "list": The field "rank" is missing/,
    ],
    [
      encode({ service: "list", data: { list: [5] } }),
      "list",
      /Element 0 of "list" must be a map/,
    ],
    [
      encode({ service: "clock", data: { time: "now" } }),
      "clock",
      /"time" must be a finite number/,
    ],
    [
      encode({ service: "election", data: {} }),
      "election",
      /"election" must be "OK"/,
    ],
    [
      encode({ service: "sync", data: { records: [{}], last: 1 } }),
      "sync",
      /Element 0 of "records"/,
    ],
    [
      encode({ service: "sync_state", data: { vector: { a: -1 } } }),
      "sync_state",
      /"a" in "vector"/,
    ],
    [
      encode({
        service: "history",
        data: { status: "sucesso", messages: [{ id: "x" }] },
      }),
      "history",
      /Element 0 of "messages"/,
    ],
    [
      encode({ service: "error", data: { status: "OK" } }),
      "users",
      /"status" must be "erro"/,
    ],
    [
      encode({ service: "users", data: { users: [], clock: -3 } }),
      "users",
      /"clock"/,
    ],
    [new Uint8Array([0xc1]), "users", /not valid MessagePack/],
  ];
  for (const [frame, service, pattern] of cases) {
    const parsed = parseReply(frame, service);
    assert.equal(parsed.ok, false, pattern.source);
    if (!parsed.ok) assert.match(parsed.description, pattern);
  }
});

Deno.test("parseReply() returns count maps without a prototype", () => {
  const parsed = parseReply(
    encodeReply({ service: "sync_state", data: { vector: { s: 1 } } }, stamp),
    "sync_state",
  );
  assert.equal(parsed.ok, true);
  if (parsed.ok && parsed.value.service === "sync_state") {
    assert.equal(Object.getPrototypeOf(parsed.value.data.vector), null);
    assert.equal(parsed.value.data.vector["constructor"], undefined);
  }
});

Deno.test("parseServerList checks entries as a list reply does", () => {
  assert.deepEqual(
    parseServerList([{ name: "server_1", rank: 1, address: "tcp://a:1" }]),
    { ok: true, value: [{ name: "server_1", rank: 1, address: "tcp://a:1" }] },
  );
  assert.equal(parseServerList([{ name: "server_1" }]).ok, false);
  assert.equal(parseServerList({}).ok, false);
});
