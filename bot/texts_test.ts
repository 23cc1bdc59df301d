import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MAX_TEXT_BYTES } from "@agora/shared/protocol";
import { Prng } from "@agora/shared/testing/prng";
import { botMessage } from "./texts.ts";

Deno.test("bot messages are numbered, varied and within the size limit", () => {
  const stream = new Prng(11);
  const random = () => stream.next();
  const texts = Array.from(
    { length: 10 },
    (_, i) => botMessage(random, i + 1, 10),
  );
  texts.forEach((text, i) => {
    assertEquals(text.startsWith(`(${i + 1}/10) `), true);
    assertEquals(new TextEncoder().encode(text).length <= MAX_TEXT_BYTES, true);
  });
  assertEquals(new Set(texts.map((t) => t.slice(7))).size > 5, true);
});
