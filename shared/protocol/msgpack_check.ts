/**
 * A strict structural check of MessagePack bytes, run before decoding.
 *
 * The decoder of `@msgpack/msgpack` is lenient where a server must not be:
 * it decodes malformed UTF-8 to look-alike text, reads 64-bit integers
 * beyond 2^53 with lost precision, turns extension types into objects, and
 * allocates arrays of whatever length a header claims. This walk rejects all
 * of that without allocating, so that what reaches the decoder is data it
 * decodes exactly.
 *
 * @module
 */

import { isWellFormedUtf8 } from "./utf8.ts";

/**
 * Checks that `bytes` hold exactly one MessagePack value that agora
 * accepts: no extension types (including the timestamp extension), integers
 * within ±(2^53 − 1), well-formed UTF-8 in every string, only string map
 * keys, no `__proto__` key, maps and arrays nested at most `maxDepth` deep,
 * no container claiming more elements than the bytes could hold, and no
 * trailing bytes.
 *
 * @returns `undefined` when acceptable, otherwise a sentence saying why not
 *
 * @example
 * ```ts
 * import { checkMsgpack } from "@agora/shared/protocol";
 * checkMsgpack(new Uint8Array([0x80]), 16); // undefined (an empty map)
 * checkMsgpack(new Uint8Array([0xc1]), 16); // "... byte 0xc1 ..."
 * ```
 */
export function checkMsgpack(
  bytes: Uint8Array,
  maxDepth: number,
): string | undefined {
  _state.bytes = bytes;
  _state.maxDepth = maxDepth;
  _state.error = undefined;
  try {
    if (bytes.length === 0) return "The frame is empty.";
    const end = _skip(0, 0, false);
    if (end >= 0 && end !== bytes.length) {
      _fail(
        `The frame has ${
          bytes.length - end
        } unexpected byte(s) after the MessagePack value.`,
      );
    }
    return _state.error;
  } finally {
    // Drop the reference so a large frame is not kept alive.
    _state.bytes = EMPTY;
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);

// One walk runs at a time (it is synchronous), so module state is safe and
// saves allocating a walker per frame.
const _state = {
  bytes: EMPTY,
  maxDepth: 0,
  error: undefined as string | undefined,
};

// "__proto__" in UTF-8.
const PROTO_KEY = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f];

function _fail(message: string): number {
  _state.error ??= message;
  return -1;
}

function _truncated(pos: number): number {
  return _fail(
    `The frame is not valid MessagePack: it ends early at byte ${pos}.`,
  );
}

function _u16(pos: number): number {
  const b = _state.bytes;
  return (b[pos] << 8) | b[pos + 1];
}

function _u32(pos: number): number {
  const b = _state.bytes;
  return ((b[pos] << 24) >>> 0) +
    ((b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]);
}

/** Skips one value at `pos`; returns the position after it, or -1. */
function _skip(pos: number, depth: number, isKey: boolean): number {
  const bytes = _state.bytes;
  const length = bytes.length;
  if (pos >= length) return _truncated(pos);
  const head = bytes[pos];
  if (head >= 0xa0 && head <= 0xbf) return _string(pos + 1, head - 0xa0, isKey);
  if (head === 0xd9 || head === 0xda || head === 0xdb) {
    const width = head === 0xd9 ? 1 : head === 0xda ? 2 : 4;
    if (pos + 1 + width > length) return _truncated(pos);
    const size = width === 1
      ? bytes[pos + 1]
      : width === 2
      ? _u16(pos + 1)
      : _u32(pos + 1);
    return _string(pos + 1 + width, size, isKey);
  }
  if (isKey) {
    return _fail(
      `Map keys must be strings (found type byte 0x${
        _hex(head)
      } at byte ${pos}).`,
    );
  }
  if (head <= 0x7f || head >= 0xe0) return pos + 1;
  if (head <= 0x8f) return _container(pos + 1, head - 0x80, true, depth);
  if (head <= 0x9f) return _container(pos + 1, head - 0x90, false, depth);
  switch (head) {
    case 0xc0: // nil
    case 0xc2: // false
    case 0xc3: // true
      return pos + 1;
    case 0xc4: // bin 8/16/32
    case 0xc5:
    case 0xc6: {
      const width = head === 0xc4 ? 1 : head === 0xc5 ? 2 : 4;
      if (pos + 1 + width > length) return _truncated(pos);
      const size = width === 1
        ? bytes[pos + 1]
        : width === 2
        ? _u16(pos + 1)
        : _u32(pos + 1);
      const end = pos + 1 + width + size;
      return end > length ? _truncated(pos) : end;
    }
    case 0xca: // float 32
      return _fixed(pos, 5);
    case 0xcb: // float 64
      return _fixed(pos, 9);
    case 0xcc: // uint 8
    case 0xd0: // int 8
      return _fixed(pos, 2);
    case 0xcd: // uint 16
    case 0xd1: // int 16
      return _fixed(pos, 3);
    case 0xce: // uint 32
    case 0xd2: // int 32
      return _fixed(pos, 5);
    case 0xcf: // uint 64
    case 0xd3: // int 64
      return _int64(pos, head === 0xd3);
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const width = head === 0xdc || head === 0xde ? 2 : 4;
      if (pos + 1 + width > length) return _truncated(pos);
      const size = width === 2 ? _u16(pos + 1) : _u32(pos + 1);
      return _container(pos + 1 + width, size, head >= 0xde, depth);
    }
    case 0xc7:
    case 0xc8:
    case 0xc9:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return _fail(
        `MessagePack extension types are not accepted (found one at byte ${pos}).`,
      );
    default:
      return _fail(
        `The frame is not valid MessagePack: byte 0x${
          _hex(head)
        } at ${pos} is not a type.`,
      );
  }
}

function _fixed(pos: number, size: number): number {
  return pos + size > _state.bytes.length ? _truncated(pos) : pos + size;
}

function _int64(pos: number, signed: boolean): number {
  if (pos + 9 > _state.bytes.length) return _truncated(pos);
  const high = _u32(pos + 1);
  const low = _u32(pos + 5);
  // Safe integers are ±(2^53 − 1): the high word holds 21 significant bits.
  const safe = signed && high >= 0x80000000
    ? high >= 0xffe00000 && !(high === 0xffe00000 && low === 0)
    : high <= 0x001fffff;
  if (!safe) {
    return _fail(
      `Integers must be within ±(2^53 − 1) (found a larger one at byte ${pos}).`,
    );
  }
  return pos + 9;
}

function _string(start: number, size: number, isKey: boolean): number {
  const bytes = _state.bytes;
  const end = start + size;
  if (end > bytes.length) return _truncated(start);
  if (!isWellFormedUtf8(bytes, start, end)) {
    return _fail(
      `Strings must be valid UTF-8 (the one at byte ${start} is not).`,
    );
  }
  if (isKey && size === PROTO_KEY.length) {
    let same = true;
    for (let i = 0; i < size && same; i++) {
      same = bytes[start + i] === PROTO_KEY[i];
    }
    if (same) return _fail('The map key "__proto__" is not accepted.');
  }
  return end;
}

function _container(
  pos: number,
  count: number,
  isMap: boolean,
  depth: number,
): number {
  if (count === 0) return pos;
  if (depth + 1 > _state.maxDepth) {
    return _fail(
      `Maps and arrays must not be nested more than ${_state.maxDepth} deep.`,
    );
  }
  // Every element takes at least one byte: a header claiming more elements
  // than bytes remain is a lie meant to make the decoder allocate.
  const needed = isMap ? count * 2 : count;
  if (needed > _state.bytes.length - pos) return _truncated(pos);
  for (let i = 0; i < count; i++) {
    if (isMap) {
      pos = _skip(pos, depth + 1, true);
      if (pos < 0) return -1;
    }
    pos = _skip(pos, depth + 1, false);
    if (pos < 0) return -1;
  }
  return pos;
}

function _hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
