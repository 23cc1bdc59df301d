import assert from "node:assert/strict";
import { murmur3x86128Utf16 } from "./murmur3.ts";

function hex(words: Uint32Array): string {
  return Array.from(words, (w) => w.toString(16).padStart(8, "0")).join("");
}

// Expected values from the npm package murmurhash3js-revisited 3.0.0
// (`x86.hash128` over the UTF-16LE bytes), which follows the C++ reference.
const VECTORS: [string, number, string][] = [
  ["", 0, "00000000000000000000000000000000"],
  ["", 42, "af6d2cb695c80cba95c80cba95c80cba"],
  ["a", 0, "033bb196ccef4fe1ccef4fe1ccef4fe1"],
  ["ab", 42, "158e1a82e79ac98fe79ac98fe79ac98f"],
  ["abc", 0, "2b5b97a320f75fb55012c2b45012c2b4"],
  ["agora", 0, "4d50ca8059ef5692ddb2857882fcf159"],
  ["agora", 42, "8d0a63901c8ad9525ca9ac9a7dbdb0c5"],
  [
    "The quick brown fox jumps over the lazy dog",
    0,
    "15beb6860f94f6cafed4894d28be6d5b",
  ],
  ["olá, mundo 👋", 0, "099688453d1585ab528b3255dbba9733"],
  ["\u0000\uffff", 42, "62983330964b3417964b3417964b3417"],
];

Deno.test("murmur3x86128Utf16() matches the reference on every tail length", () => {
  for (const [text, seed, expected] of VECTORS) {
    assert.equal(
      hex(murmur3x86128Utf16(text, seed)),
      expected,
      JSON.stringify(text),
    );
  }
});

Deno.test("murmur3x86128Utf16() fills the given array and spreads one-bit changes", () => {
  const out = new Uint32Array(4);
  assert.equal(murmur3x86128Utf16("agora", 0, out), out);
  const base = hex(murmur3x86128Utf16("x".repeat(33)));
  const flipped = hex(murmur3x86128Utf16("x".repeat(32) + "y"));
  let differing = 0;
  for (let i = 0; i < base.length; i++) {
    const a = parseInt(base[i], 16) ^ parseInt(flipped[i], 16);
    differing += [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4][a];
  }
  // Avalanche: about half of the 128 bits change.
  assert.ok(differing > 40 && differing < 88, `${differing} bits changed`);
});
