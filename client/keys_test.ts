import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { KeyDecoder } from "./keys.ts";

Deno.test("KeyDecoder groups printable text, UTF-8 included", () => {
  const keys = new KeyDecoder();
  assertEquals(keys.feed("olá 世界 🎉"), [{
    kind: "text",
    text: "olá 世界 🎉",
  }]);
});

Deno.test("KeyDecoder decodes arrows, home/end and delete in their common encodings", () => {
  const keys = new KeyDecoder();
  assertEquals(
    keys.feed(
      "\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[3~",
    ),
    [
      "up",
      "down",
      "right",
      "left",
      "home",
      "end",
      "home",
      "end",
      "home",
      "end",
      "delete",
    ].map((kind) => ({ kind })),
  );
});

Deno.test("KeyDecoder keeps an escape sequence split across reads", () => {
  const keys = new KeyDecoder();
  assertEquals(keys.feed("ab\x1b"), [{ kind: "text", text: "ab" }]);
  assertEquals(keys.feed("["), []);
  assertEquals(keys.feed("Dc"), [{ kind: "left" }, {
    kind: "text",
    text: "c",
  }]);
});

Deno.test("KeyDecoder maps control keys", () => {
  const keys = new KeyDecoder();
  assertEquals(
    keys.feed("\r\x7f\x08\x01\x05\x15\x0b\x17\x03\x04\x0c\t"),
    [
      "enter",
      "backspace",
      "backspace",
      "home",
      "end",
      "killLine",
      "killToEnd",
      "killWordBack",
      "interrupt",
      "eof",
      "redraw",
      "tab",
    ].map((kind) => ({ kind })),
  );
});

Deno.test("KeyDecoder reads CRLF from a paste as one enter and splits text around it", () => {
  const keys = new KeyDecoder();
  assertEquals(keys.feed("one\r\ntwo\n"), [
    { kind: "text", text: "one" },
    { kind: "enter" },
    { kind: "text", text: "two" },
    { kind: "enter" },
  ]);
});

Deno.test("KeyDecoder turns unknown sequences and stray controls into unknown keys", () => {
  const keys = new KeyDecoder();
  assertEquals(keys.feed("\x1b[99~x\x1b\x1b[Ay\x00"), [
    { kind: "unknown" },
    { kind: "text", text: "x" },
    { kind: "unknown" },
    { kind: "up" },
    { kind: "text", text: "y" },
    { kind: "unknown" },
  ]);
  assertEquals(keys.feed("\x1b"), []);
  assertEquals(keys.flushPending(), [{ kind: "unknown" }]);
});

Deno.test("KeyDecoder decodes word moves (ctrl/alt arrows, alt-b/f, alt-backspace)", () => {
  const keys = new KeyDecoder();
  assertEquals(keys.feed("\x1b[1;5C\x1b[1;5D\x1bb\x1bf\x1b\x7f"), [
    { kind: "wordRight" },
    { kind: "wordLeft" },
    { kind: "wordLeft" },
    { kind: "wordRight" },
    { kind: "killWordBack" },
  ]);
});
