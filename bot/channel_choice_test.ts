import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { chooseChannel } from "./channel_choice.ts";

function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

Deno.test("with no channel a bot creates one", () => {
  assertEquals(chooseChannel([], sequence(0)).kind, "create");
});

Deno.test("usually an existing channel is picked at random", () => {
  assertEquals(chooseChannel(["a", "b", "c"], sequence(0.5, 0.7)), {
    kind: "existing",
    channel: "c",
  });
  assertEquals(chooseChannel(["a", "b", "c"], sequence(0.5, 0)), {
    kind: "existing",
    channel: "a",
  });
});

Deno.test("now and then a new channel is created anyway", () => {
  assertEquals(chooseChannel(["a"], sequence(0.05, 0, 0)), {
    kind: "create",
    channel: "general",
  });
});
