import assert from "node:assert/strict";
import { exceedsUtf8Bytes, isWellFormedUtf8, utf8ByteLength } from "./utf8.ts";

const encoder = new TextEncoder();

/** Texts with 1-, 2-, 3- and 4-byte characters and the edges between. */
const SAMPLES = [
  "",
  "a",
  "olá",
  "日本語",
  "😀",
  "a😀b",
  "\u0800",
  "\u07ff",
  "\uffff",
];

Deno.test("utf8ByteLength() agrees with TextEncoder", () => {
  for (const text of SAMPLES) {
    assert.equal(utf8ByteLength(text), encoder.encode(text).length, text);
  }
});

Deno.test("utf8ByteLength() counts a lone surrogate as U+FFFD", () => {
  assert.equal(utf8ByteLength("\ud800"), 3);
  assert.equal(utf8ByteLength("a\udc00b"), 5);
});

Deno.test("isWellFormedUtf8() accepts valid text", () => {
  const bytes = encoder.encode("a olá 日本語 😀 \u{10ffff}");
  assert.equal(isWellFormedUtf8(bytes, 0, bytes.length), true);
  assert.equal(isWellFormedUtf8(new Uint8Array(0), 0, 0), true);
});

Deno.test("isWellFormedUtf8() rejects malformed sequences", () => {
  const bad = [
    [0x80], // lone continuation
    [0xc0, 0xaf], // overlong "/"
    [0xc1, 0xbf], // overlong
    [0xe0, 0x80, 0xaf], // overlong 3-byte
    [0xed, 0xa0, 0x80], // surrogate D800
    [0xf0, 0x80, 0x80, 0xaf], // overlong 4-byte
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xf5, 0x80, 0x80, 0x80], // invalid lead
    [0xff], // invalid byte
    [0xc3], // truncated
    [0xe6, 0x97], // truncated
    [0xc3, 0x41], // bad continuation
  ];
  for (const bytes of bad) {
    assert.equal(
      isWellFormedUtf8(new Uint8Array(bytes), 0, bytes.length),
      false,
      bytes.join(","),
    );
  }
});

Deno.test("isWellFormedUtf8() checks only the given range", () => {
  const bytes = new Uint8Array([0xff, 0x61, 0x62, 0xff]);
  assert.equal(isWellFormedUtf8(bytes, 1, 3), true);
  // A sequence that runs past `end` is truncated even if bytes follow.
  const split = encoder.encode("é");
  assert.equal(isWellFormedUtf8(split, 0, 1), false);
});

Deno.test("exceedsUtf8Bytes() agrees with utf8ByteLength() at every bound", () => {
  const samples = [
    ...SAMPLES,
    "\ud800",
    "x".repeat(40),
    "é".repeat(30),
    "語".repeat(25),
    "😀".repeat(20),
  ];
  for (const text of samples) {
    const bytes = utf8ByteLength(text);
    for (let max = 0; max <= bytes + 4; max++) {
      assert.equal(
        exceedsUtf8Bytes(text, max),
        bytes > max,
        `${JSON.stringify(text)} against ${max}`,
      );
    }
  }
});
