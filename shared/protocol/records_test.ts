import assert from "node:assert/strict";
import { parseChatRecord, RECORD_OPS } from "./records.ts";
import type { ChatRecord } from "../record.ts";

const head = { origin: "server_1", seq: 3, clock: 10, timestamp: 1764190000.5 };

Deno.test("parseChatRecord() accepts every op", () => {
  const records: ChatRecord[] = [
    { ...head, op: "user", data: { user: "ana" } },
    { ...head, op: "login", data: { user: "ana" } },
    { ...head, op: "channel", data: { channel: "geral" } },
    { ...head, op: "channel", data: { channel: "geral", user: "ana" } },
    { ...head, op: "subscribe", data: { user: "ana", channel: "geral" } },
    {
      ...head,
      op: "publish",
      data: { user: "ana", channel: "geral", message: "oi" },
    },
    { ...head, op: "message", data: { src: "ana", dst: "bia", message: "oi" } },
    {
      ...head,
      op: "publish",
      data: { user: "ana", channel: "geral", message: "oi", request_id: "k" },
    },
    {
      ...head,
      op: "message",
      data: { src: "ana", dst: "bia", message: "oi", request_id: "k" },
    },
  ];
  assert.deepEqual(new Set(records.map((r) => r.op)), new Set(RECORD_OPS));
  for (const record of records) {
    assert.deepEqual(
      parseChatRecord(record),
      { ok: true, value: record },
      record.op,
    );
  }
});

Deno.test("parseChatRecord() drops unknown fields", () => {
  assert.deepEqual(
    parseChatRecord({
      ...head,
      extra: 1,
      op: "user",
      data: { user: "ana", more: 2 },
    }),
    { ok: true, value: { ...head, op: "user", data: { user: "ana" } } },
  );
});

Deno.test("parseChatRecord() explains what is wrong", () => {
  const cases: [unknown, RegExp][] = [
    [5, /must be a map/],
    [
      { ...head, seq: 0, op: "user", data: { user: "a" } },
      /"seq" must be a positive integer/,
    ],
    [
      { ...head, clock: -1, op: "user", data: { user: "a" } },
      /"clock" must be a non-negative integer/,
    ],
    [
      { ...head, origin: "", op: "user", data: { user: "a" } },
      /"origin" must not be empty/,
    ],
    [{ ...head, op: "delete", data: {} }, /"op" must be one of user, login/],
    [{ ...head, op: "user" }, /"data" is missing/],
    [{ ...head, op: "user", data: [] }, /"data" must be a map/],
    [
      { ...head, op: "publish", data: { user: "a", channel: "b" } },
      /In the record's "data": The field "message" is missing/,
    ],
    [{
      ...head,
      op: "message",
      data: { src: "a", dst: "b", message: "x".repeat(5000) },
    }, /at most 4096 bytes/],
  ];
  for (const [value, pattern] of cases) {
    const parsed = parseChatRecord(value);
    assert.equal(parsed.ok, false, pattern.source);
    if (!parsed.ok) assert.match(parsed.description, pattern);
  }
});
