import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { TopicTable } from "./topic_table.ts";

Deno.test("TopicTable matches topics exactly, never by prefix", () => {
  const table = new TopicTable<string>();
  assertEquals(table.add("Lu", "x"), true);
  assertEquals(table.listeners("Lu"), ["x"]);
  assertEquals(table.listeners("Lucas"), []);
  assertEquals(table.listeners("L"), []);
  assertEquals(table.has("Lucas"), false);
});

Deno.test("TopicTable reports the first and the last listener of a topic", () => {
  const table = new TopicTable<string>();
  assertEquals(table.add("t", "a"), true);
  assertEquals(table.add("t", "b"), false);
  assertEquals(table.remove("t", "a"), false);
  assertEquals(table.remove("t", "a"), false);
  assertEquals(table.remove("t", "b"), true);
  assertEquals(table.topics(), []);
  assertEquals(table.remove("nope", "a"), false);
});

Deno.test("TopicTable.listeners returns a copy that survives removal during iteration", () => {
  const table = new TopicTable<string>();
  table.add("t", "a");
  table.add("t", "b");
  const seen: string[] = [];
  for (const listener of table.listeners("t")) {
    seen.push(listener);
    table.remove("t", "b");
  }
  assertEquals(seen, ["a", "b"]);
});
