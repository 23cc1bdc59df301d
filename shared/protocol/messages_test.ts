import assert from "node:assert/strict";
import { channelMessage } from "./_fixtures.ts";
import { parseChannelMessage, parsePrivateMessage } from "./messages.ts";

const channel = channelMessage;

Deno.test("parseChannelMessage() keeps exactly the payload fields", () => {
  assert.deepEqual(parseChannelMessage({ ...channel, extra: true }), {
    ok: true,
    value: channel,
  });
});

Deno.test("parseChannelMessage() requires every field", () => {
  for (const field of Object.keys(channel)) {
    const value: Record<string, unknown> = { ...channel };
    delete value[field];
    assert.deepEqual(parseChannelMessage(value), {
      ok: false,
      description: `The field "${field}" is missing.`,
    });
  }
});

Deno.test("parsePrivateMessage() checks user against src", () => {
  const base = {
    id: "s:1",
    src: "ana",
    dst: "bia",
    message: "x",
    timestamp: 0,
    clock: 0,
    server: "s",
  };
  assert.deepEqual(parsePrivateMessage(base), {
    ok: true,
    value: { ...base, user: "ana" },
  });
  assert.equal(parsePrivateMessage({ ...base, user: "bia" }).ok, false);
  assert.equal(parsePrivateMessage([base]).ok, false);
});
