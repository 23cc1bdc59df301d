import { deepStrictEqual, equal } from "node:assert/strict";
// @ts-types="./message_list.d.ts"
import { addMessages, compareMessages, keyOf } from "./message_list.js";

function message(id: string, clock: number, server: string) {
  return { id, clock, server, message: id };
}

Deno.test("addMessages() keeps cluster order and drops duplicates", () => {
  const conv = {
    messages: [] as ReturnType<typeof message>[],
    ids: new Set<string>(),
  };
  equal(
    addMessages(conv, [message("s1:2", 5, "s1"), message("s2:1", 5, "s2")]),
    2,
  );
  // A live event overlapping a history page, and an older page arriving late.
  equal(
    addMessages(conv, [message("s2:1", 5, "s2"), message("s1:1", 3, "s1")]),
    1,
  );
  equal(addMessages(conv, [message("s1:3", 5, "s1")]), 1);
  deepStrictEqual(conv.messages.map((m) => m.id), [
    "s1:1",
    "s1:2",
    "s1:3",
    "s2:1",
  ]);
});

Deno.test("compareMessages() orders by clock, then server, then sequence", () => {
  equal(
    compareMessages(message("b:1", 1, "b"), message("a:9", 2, "a")) < 0,
    true,
  );
  equal(
    compareMessages(message("a:9", 2, "a"), message("b:1", 2, "b")) < 0,
    true,
  );
  equal(
    compareMessages(message("a:10", 2, "a"), message("a:9", 2, "a")) > 0,
    true,
  );
});

Deno.test("keyOf() keeps channels and people apart", () => {
  equal(keyOf("channel", "ana"), "#ana");
  equal(keyOf("dm", "ana"), "@ana");
});
