import assert from "node:assert/strict";
import { messageId, parseMessageId } from "./message_id.ts";

Deno.test("messageId() joins server and seq", () => {
  assert.equal(messageId("server_1", 42), "server_1:42");
});

Deno.test("parseMessageId() splits at the last colon", () => {
  assert.deepEqual(parseMessageId("server_1:42"), {
    server: "server_1",
    seq: 42,
  });
  assert.deepEqual(parseMessageId("a:b:7"), { server: "a:b", seq: 7 });
  assert.deepEqual(parseMessageId("s:9007199254740991"), {
    server: "s",
    seq: 9007199254740991,
  });
});

Deno.test("parseMessageId() rejects anything else", () => {
  for (
    const id of [
      "",
      "server_1",
      ":1",
      "s:",
      "s:0",
      "s:01",
      "s:-1",
      "s:1.5",
      "s:1e3",
      "s: 1",
      "s:9007199254740992",
      " s:1",
      "s\n:1",
      42,
      null,
      undefined,
    ]
  ) {
    assert.equal(parseMessageId(id), undefined, JSON.stringify(id));
  }
});
