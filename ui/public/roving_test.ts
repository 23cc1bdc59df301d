import { equal } from "node:assert/strict";
// @ts-types="./roving.d.ts"
import { rovingIndex } from "./roving.js";

Deno.test("rovingIndex() moves one step with the arrows and stops at the ends", () => {
  equal(rovingIndex(0, "ArrowDown", 3), 1);
  equal(rovingIndex(1, "ArrowDown", 3), 2);
  equal(rovingIndex(2, "ArrowDown", 3), 2);
  equal(rovingIndex(2, "ArrowUp", 3), 1);
  equal(rovingIndex(0, "ArrowUp", 3), 0);
});

Deno.test("rovingIndex() jumps to the ends with Home and End", () => {
  equal(rovingIndex(1, "Home", 4), 0);
  equal(rovingIndex(1, "End", 4), 3);
});

Deno.test("rovingIndex() ignores other keys and empty lists", () => {
  equal(rovingIndex(1, "Enter", 4), null);
  equal(rovingIndex(1, "ArrowRight", 4), null);
  equal(rovingIndex(0, "ArrowDown", 0), null);
  // An item no longer in the list (-1): the arrows start from an end.
  equal(rovingIndex(-1, "ArrowDown", 3), 0);
  equal(rovingIndex(-1, "ArrowUp", 3), 2);
});
