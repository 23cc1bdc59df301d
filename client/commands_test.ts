import { deepStrictEqual as assertEquals } from "node:assert/strict";
import assert from "node:assert/strict";
import { parseCommand, promptName } from "./commands.ts";

Deno.test("plain text is a post, commands are parsed with their arguments", () => {
  assertEquals(parseCommand("hello world"), {
    kind: "post",
    text: "hello world",
  });
  assertEquals(parseCommand("/users"), { kind: "users" });
  assertEquals(parseCommand("/CHANNELS"), { kind: "channels" });
  assertEquals(parseCommand("/create  my room "), {
    kind: "create",
    channel: "my room",
  });
  assertEquals(parseCommand("/join general"), {
    kind: "join",
    channel: "general",
  });
  assertEquals(parseCommand("/leave"), { kind: "leave", channel: undefined });
  assertEquals(parseCommand("/msg bia hi there"), {
    kind: "msg",
    user: "bia",
    text: "hi there",
  });
  assertEquals(parseCommand('/msg "Ana Maria" oi'), {
    kind: "msg",
    user: "Ana Maria",
    text: "oi",
  });
  assertEquals(parseCommand("/history"), { kind: "history", count: 20 });
  assertEquals(parseCommand("/history 5"), { kind: "history", count: 5 });
  assertEquals(parseCommand("/quit"), { kind: "quit" });
  assertEquals(parseCommand("/exit"), { kind: "quit" });
  assertEquals(parseCommand("/help"), { kind: "help" });
  assertEquals(parseCommand("   "), { kind: "empty" });
});

Deno.test("// escapes a leading slash", () => {
  assertEquals(parseCommand("//shrug"), { kind: "post", text: "/shrug" });
});

Deno.test("bad commands say what is wrong", () => {
  assertEquals(parseCommand("/frobnicate"), {
    kind: "invalid",
    message: "Unknown command /frobnicate: /help lists the commands.",
  });
  assertEquals(parseCommand("/msg bia"), {
    kind: "invalid",
    message: "Usage: /msg <user> <text>",
  });
  assertEquals(parseCommand("/join"), {
    kind: "invalid",
    message: "Usage: /join <channel>",
  });
  assertEquals(parseCommand("/history zero").kind, "invalid");
  assertEquals(parseCommand("/history 1001").kind, "invalid");
  assertEquals(parseCommand('/msg "open quote').kind, "invalid");
});

Deno.test("parseCommand() takes #channel the IRC way; ##name keeps one #", () => {
  assert.deepEqual(parseCommand("/join #general"), {
    kind: "join",
    channel: "general",
  });
  assert.deepEqual(parseCommand("/join general"), {
    kind: "join",
    channel: "general",
  });
  assert.deepEqual(parseCommand("/create ##hash"), {
    kind: "create",
    channel: "#hash",
  });
  assert.deepEqual(parseCommand("/leave #general"), {
    kind: "leave",
    channel: "general",
  });
  assert.deepEqual(parseCommand("/leave"), {
    kind: "leave",
    channel: undefined,
  });
});

Deno.test("promptName() drops the quotes around a name with spaces", () => {
  assert.equal(promptName(' "ana maria" '), "ana maria");
  assert.equal(promptName("ana"), "ana");
  assert.equal(promptName('"'), '"');
  assert.equal(promptName('ana "the" great'), 'ana "the" great');
});
