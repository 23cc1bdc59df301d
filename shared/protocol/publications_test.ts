import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import {
  encodeChannelPublication,
  encodeElectionPublication,
  encodePrivatePublication,
  encodeReplicationPublication,
  parsePublication,
} from "./publications.ts";
import { encodePublicationFrames } from "./envelope.ts";
import { channelMessage, privateMessage, stamp } from "./_fixtures.ts";
import type { ChatRecord } from "../record.ts";

const text = new TextEncoder();

Deno.test("channel publications go on the channel's topic", () => {
  const frames = encodeChannelPublication(channelMessage);
  assert.equal(new TextDecoder().decode(frames[0]), "geral");
  assert.deepEqual(parsePublication(frames), {
    ok: true,
    value: { kind: "channel", topic: "geral", message: channelMessage },
  });
});

Deno.test("private publications go on the recipient's topic", () => {
  const frames = encodePrivatePublication(privateMessage);
  assert.equal(new TextDecoder().decode(frames[0]), "bia");
  assert.deepEqual(parsePublication(frames), {
    ok: true,
    value: { kind: "private", topic: "bia", message: privateMessage },
  });
});

Deno.test("a private message without user is read with user = src", () => {
  const { user: _user, ...payload } = privateMessage;
  const parsed = parsePublication([text.encode("bia"), encode(payload)]);
  assert.equal(parsed.ok, true);
  if (parsed.ok && parsed.value.kind === "private") {
    assert.equal(parsed.value.message.user, "ana");
  }
  const wrong = parsePublication([
    text.encode("bia"),
    encode({ ...privateMessage, user: "eve" }),
  ]);
  assert.deepEqual(wrong, {
    ok: false,
    description: 'The field "user" must equal "src".',
  });
});

Deno.test("election announcements go on topic servers", () => {
  const frames = encodeElectionPublication("server_1", stamp);
  assert.equal(new TextDecoder().decode(frames[0]), "servers");
  assert.deepEqual(parsePublication(frames), {
    ok: true,
    value: {
      kind: "election",
      topic: "servers",
      coordinator: "server_1",
      ...stamp,
    },
  });
});

Deno.test("replication batches go on topic replication", () => {
  const records: ChatRecord[] = [
    {
      origin: "server_1",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "user",
      data: { user: "ana" },
    },
    {
      origin: "server_1",
      seq: 2,
      clock: 2,
      timestamp: 1,
      op: "channel",
      data: { channel: "geral", user: "ana" },
    },
  ];
  const frames = encodeReplicationPublication(records, "deadbeef", stamp);
  assert.deepEqual(parsePublication(frames), {
    ok: true,
    value: {
      kind: "replication",
      topic: "replication",
      records,
      auth: "deadbeef",
      ...stamp,
    },
  });
  const unsigned = parsePublication(
    encodeReplicationPublication(records, undefined, stamp),
  );
  assert.equal(
    unsigned.ok && unsigned.value.kind === "replication" && unsigned.value.auth,
    undefined,
  );
});

Deno.test("parsePublication() explains what is wrong", () => {
  const cases: [unknown[], RegExp][] = [
    [[text.encode("geral")], /exactly two frames/],
    [
      [text.encode("geral"), encode(channelMessage), new Uint8Array(0)],
      /exactly two frames/,
    ],
    [
      [new Uint8Array([0xff]), encode(channelMessage)],
      /topic must be valid UTF-8/,
    ],
    [
      [text.encode("outro"), encode(channelMessage)],
      /"channel" must equal the topic/,
    ],
    [
      [text.encode("ana"), encode(privateMessage)],
      /"dst" must equal the topic/,
    ],
    [
      [text.encode("geral"), encode({ ...channelMessage, clock: 1.5 })],
      /"clock"/,
    ],
    [
      [text.encode("geral"), encode({ ...channelMessage, id: "bad" })],
      /"id" must be a message id/,
    ],
    [
      [text.encode("geral"), encode({ ...channelMessage, message: "" })],
      /"message" must not be empty/,
    ],
    [[text.encode("geral"), encode([1])], /must be a map/],
    [[text.encode("geral"), new Uint8Array([0xc1])], /not valid MessagePack/],
    [
      [text.encode("servers"), encode({ service: "x", data: {} })],
      /service "election"/,
    ],
    [
      [text.encode("servers"), encode({ service: "election", data: {} })],
      /"coordinator" is missing/,
    ],
    [[
      text.encode("replication"),
      encode({ service: "replicate", data: { records: [{ op: "user" }] } }),
    ], /Element 0 of "records"/],
    [
      [text.encode("replication"), encode({ service: "election", data: {} })],
      /service "replicate"/,
    ],
  ];
  for (const [frames, pattern] of cases) {
    const parsed = parsePublication(frames);
    assert.equal(parsed.ok, false, pattern.source);
    if (!parsed.ok) assert.match(parsed.description, pattern);
  }
});

Deno.test("an election announcement keeps its rank and auth extensions", () => {
  const [topic, payload] = encodePublicationFrames("servers", {
    service: "election",
    data: { coordinator: "server_1", rank: 1, auth: "ab12", ...stamp },
  });
  const parsed = parsePublication([topic, payload]);
  assert.ok(parsed.ok && parsed.value.kind === "election");
  assert.equal(parsed.value.rank, 1);
  assert.equal(parsed.value.auth, "ab12");
  const plain = parsePublication([...encodeElectionPublication("s2", stamp)]);
  assert.ok(plain.ok && plain.value.kind === "election");
  assert.equal(plain.value.rank, undefined);
  assert.equal(plain.value.auth, undefined);
});
