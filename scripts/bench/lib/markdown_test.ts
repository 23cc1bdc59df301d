import assert from "node:assert/strict";
import { count, ms, table, verdict } from "./markdown.ts";

Deno.test("table aligns columns whose header starts with >", () => {
  assert.equal(
    table(["name", ">value"], [["a", "1"], ["b", "2"]]),
    "| name | value |\n|---|---:|\n| a | 1 |\n| b | 2 |",
  );
});

Deno.test("ms, count and verdict format numbers for reading", () => {
  assert.equal(ms(1.234), "1.23");
  assert.equal(ms(12.34), "12.3");
  assert.equal(ms(123.4), "123");
  assert.equal(ms(NaN), "n/a");
  assert.equal(count(12345.6), "12,346");
  assert.equal(verdict(true), "met");
  assert.equal(verdict(false), "**not met**");
});
