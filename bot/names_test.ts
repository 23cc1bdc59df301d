import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { validateNewName } from "@agora/shared/protocol";
import { Prng } from "@agora/shared/testing/prng";
import { ADJECTIVES, botName, channelName } from "./names.ts";

Deno.test("botName is bot_<adjective>_<4 hex> and a valid user name", () => {
  const stream = new Prng(7);
  const random = () => stream.next();
  for (let i = 0; i < 200; i++) {
    const name = botName(random);
    const match = name.match(/^bot_([a-z]+)_([0-9a-f]{4})$/);
    assertEquals(match !== null, true, name);
    assertEquals(ADJECTIVES.includes(match![1]), true);
    assertEquals(validateNewName(name, "user"), undefined);
  }
});

Deno.test("botName and channelName stay in range at the edges of random()", () => {
  assertEquals(botName(() => 0), "bot_amber_0000");
  assertEquals(botName(() => 0.9999999), "bot_zesty_ffff");
  assertEquals(
    validateNewName(channelName(() => 0.9999999), "channel"),
    undefined,
  );
});

Deno.test("channelName gives valid, varied names", () => {
  const stream = new Prng(3);
  const random = () => stream.next();
  const names = new Set(Array.from({ length: 100 }, () => channelName(random)));
  assertEquals(names.size > 10, true);
  for (const name of names) {
    assertEquals(validateNewName(name, "channel"), undefined);
  }
});
