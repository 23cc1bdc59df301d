/**
 * MurmurHash3_x86_128 (Austin Appleby's reference, seed 0 by default) of a
 * string's UTF-16LE bytes, read straight from its code units: no encoding
 * step and no allocation, about ten times cheaper per short record than a
 * `node:crypto` SHA-256 round trip. In Python the same value is
 * `mmh3.hash128(text.encode("utf-16-le"), x64arch=False)` (as a big-endian
 * integer of the four words h1‖h2‖h3‖h4).
 *
 * Not a cryptographic hash: the store uses it to compare replicas' contents
 * (its digest), where a collision needs a deliberate attack by a cluster
 * member, which is trusted anyway.
 *
 * @module
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * Hashes `text`'s UTF-16LE bytes into `out` as four unsigned 32-bit words
 * `[h1, h2, h3, h4]` (the reference's output order) and returns `out`.
 *
 * @example
 * ```ts
 * import { murmur3x86128Utf16 } from "@agora/shared/murmur3";
 * const [h1] = murmur3x86128Utf16("agora");
 * ```
 */
export function murmur3x86128Utf16(
  text: string,
  seed = 0,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  const units = text.length;
  let h1 = seed | 0, h2 = seed | 0, h3 = seed | 0, h4 = seed | 0;
  let k1 = 0, k2 = 0, k3 = 0, k4 = 0;
  // One 16-byte block is eight code units.
  const bodyEnd = units & ~7;
  let i = 0;
  for (; i < bodyEnd; i += 8) {
    k1 = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    k2 = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
    k3 = text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16);
    k4 = text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16);

    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;

    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;

    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;

    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }

  // The tail: 0–7 code units, zero-padded to whole 32-bit words (the
  // reference reads it byte by byte; with even byte counts it is the same).
  const rest = units - bodyEnd;
  const unit = (j: number) => j < rest ? text.charCodeAt(bodyEnd + j) : 0;
  if (rest >= 7) {
    k4 = unit(6) | (unit(7) << 16);
    h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  }
  if (rest >= 5) {
    k3 = unit(4) | (unit(5) << 16);
    h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  }
  if (rest >= 3) {
    k2 = unit(2) | (unit(3) << 16);
    h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  }
  if (rest >= 1) {
    k1 = unit(0) | (unit(1) << 16);
    h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  }

  const bytes = units * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
  return out;
}
