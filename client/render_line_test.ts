import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { lineView, printAbove, renderLine } from "./render_line.ts";

Deno.test("a short line is shown whole with the cursor after the prompt", () => {
  assertEquals(lineView({ text: "hello", cursor: 2 }, 3, 80), {
    visible: "hello",
    cursorColumn: 5,
  });
});

Deno.test("a long line scrolls so the cursor stays visible and nothing reaches the last column", () => {
  const text = "abcdefghijklmnopqrstuvwxyz";
  // 10 columns, prompt 2: 7 cells for text (the last column stays free).
  const end = lineView({ text, cursor: text.length }, 2, 10);
  assertEquals(end, { visible: "uvwxyz", cursorColumn: 8 });
  const start = lineView({ text, cursor: 0 }, 2, 10);
  assertEquals(start, { visible: "abcdefg", cursorColumn: 2 });
});

Deno.test("wide characters count two columns", () => {
  assertEquals(lineView({ text: "世界", cursor: 6 }, 0, 80).cursorColumn, 4);
  assertEquals(lineView({ text: "世界x", cursor: 2 }, 0, 80).cursorColumn, 4);
});

Deno.test("renderLine redraws in place and printAbove keeps the partial input", () => {
  const prompt = { styled: "> ", width: 2 };
  assertEquals(
    renderLine(prompt, { text: "hi", cursor: 1 }, 80),
    "\r> hi\x1b[K\r\x1b[3C",
  );
  assertEquals(
    printAbove(
      ["[12:00:00] #g <bia> yo"],
      prompt,
      { text: "hi", cursor: 2 },
      80,
    ),
    "\r\x1b[2K[12:00:00] #g <bia> yo\r\n\r> hi\x1b[K\r\x1b[4C",
  );
});
