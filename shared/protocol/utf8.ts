/**
 * UTF-8 helpers that work without allocating: the parsers call them on every
 * string of every request.
 *
 * @module
 */

/**
 * Number of bytes `text` takes in UTF-8. A lone surrogate counts as the 3
 * bytes of U+FFFD, which is what `TextEncoder` would write for it.
 *
 * @example
 * ```ts
 * import { utf8ByteLength } from "@agora/shared/protocol";
 * utf8ByteLength("olá"); // 4
 * ```
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Whether `text` takes more than `maxBytes` bytes in UTF-8 (as
 * {@linkcode utf8ByteLength} counts them), counting only when the length
 * alone cannot tell: a UTF-16 unit is 1 to 3 bytes of UTF-8 (a surrogate
 * pair, 2 units, is 4 bytes).
 *
 * @example
 * ```ts
 * import { exceedsUtf8Bytes } from "@agora/shared/protocol";
 * exceedsUtf8Bytes("olá", 3); // true
 * ```
 */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8ByteLength(text) > maxBytes;
}

/**
 * Whether `bytes[start, end)` is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 *
 * @example
 * ```ts
 * import { isWellFormedUtf8 } from "@agora/shared/protocol";
 * isWellFormedUtf8(new Uint8Array([0xc3, 0xa1]), 0, 2); // true
 * isWellFormedUtf8(new Uint8Array([0xff]), 0, 1); // false
 * ```
 */
export function isWellFormedUtf8(
  bytes: Uint8Array,
  start: number,
  end: number,
): boolean {
  let i = start;
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      i++;
      continue;
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end || !_isContinuation(bytes[i + 1])) return false;
      i += 2;
      continue;
    }
    if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = bytes[i + 1];
      // E0 needs A0..BF (else overlong); ED needs 80..9F (else surrogate).
      const low = b0 === 0xe0 ? 0xa0 : 0x80;
      const high = b0 === 0xed ? 0x9f : 0xbf;
      if (b1 < low || b1 > high || !_isContinuation(bytes[i + 2])) {
        return false;
      }
      i += 3;
      continue;
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = bytes[i + 1];
      // F0 needs 90..BF (else overlong); F4 needs 80..8F (else > U+10FFFF).
      const low = b0 === 0xf0 ? 0x90 : 0x80;
      const high = b0 === 0xf4 ? 0x8f : 0xbf;
      if (
        b1 < low || b1 > high || !_isContinuation(bytes[i + 2]) ||
        !_isContinuation(bytes[i + 3])
      ) {
        return false;
      }
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

function _isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}
