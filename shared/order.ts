/**
 * The order of messages: `(clock, server, seq)` — the origin's Lamport
 * clock, then the origin server's name, then the origin's sequence number.
 * Every replica sorts the same messages the same way.
 *
 * Server names compare by Unicode code point, which is also the byte order
 * of their UTF-8 and therefore SQLite's default `BINARY` collation: storage
 * may index either the three columns `(clock INTEGER, server TEXT, seq
 * INTEGER)` or the single string {@link orderKeyString}.
 *
 * @module
 */

/** Where a message sits in the order. */
export interface OrderKey {
  /** Origin's Lamport clock when it accepted the message. */
  clock: number;
  /** Origin server's name. */
  server: string;
  /** Origin's sequence number. */
  seq: number;
}

/** Width of the zero-padded numbers in {@link orderKeyString}. */
export const ORDER_KEY_DIGITS = 16;

/** Separator in {@link orderKeyString}: below every character a name may hold. */
export const ORDER_KEY_SEPARATOR = "\u001f";

/**
 * Compares two keys: negative if `a` comes first, positive if `b` does, 0
 * if equal. Use it with `Array.prototype.sort`.
 *
 * @example
 * ```ts
 * import { compareOrder } from "@agora/shared/order";
 * compareOrder({ clock: 1, server: "b", seq: 9 }, { clock: 2, server: "a", seq: 1 }); // < 0
 * ```
 */
export function compareOrder(a: OrderKey, b: OrderKey): number {
  if (a.clock !== b.clock) return a.clock < b.clock ? -1 : 1;
  if (a.server !== b.server) return compareCodePoints(a.server, b.server);
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/**
 * Encodes a key as a string whose byte order (SQLite `BINARY` collation,
 * {@link compareCodePoints}) is the message order:
 * `clock` zero-padded to 16 digits, U+001F, `server`, U+001F, `seq`
 * zero-padded to 16 digits — e.g. `"0000000000000042\u001fserver_1\u001f0000000000000007"`.
 *
 * Why it sorts right: the numbers have fixed width (2^53 − 1 has 16
 * digits), and the separator sorts below every character a name may hold
 * (names exclude control characters), so a name that is a prefix of another
 * sorts first, as in {@link compareOrder}. (JavaScript's `<` agrees too,
 * unless server names mix characters above U+FFFF with U+E000–U+FFFF.)
 *
 * @throws {RangeError} if `clock` or `seq` is not a safe integer ≥ 0
 */
export function orderKeyString(key: OrderKey): string {
  return _digits(key.clock, "clock") + ORDER_KEY_SEPARATOR + key.server +
    ORDER_KEY_SEPARATOR + _digits(key.seq, "seq");
}

/**
 * Reads back a string made by {@link orderKeyString}.
 *
 * @returns the key, or `undefined` if `text` is not such a string
 */
export function parseOrderKeyString(text: string): OrderKey | undefined {
  const first = text.indexOf(ORDER_KEY_SEPARATOR);
  const last = text.lastIndexOf(ORDER_KEY_SEPARATOR);
  if (first !== ORDER_KEY_DIGITS || last === first) return undefined;
  if (text.length - last - 1 !== ORDER_KEY_DIGITS) return undefined;
  const clockText = text.slice(0, first);
  const seqText = text.slice(last + 1);
  if (!/^\d+$/.test(clockText) || !/^\d+$/.test(seqText)) return undefined;
  const clock = Number(clockText);
  const seq = Number(seqText);
  if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(seq)) {
    return undefined;
  }
  return { clock, server: text.slice(first + 1, last), seq };
}

/**
 * Compares strings by Unicode code point (JavaScript's `<` compares UTF-16
 * code units, which puts U+E000–U+FFFF after the astral planes).
 *
 * @example
 * ```ts
 * import { compareCodePoints } from "@agora/shared/order";
 * compareCodePoints("\uffff", "\u{10000}"); // < 0, although "\uffff" > "\u{10000}"
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF, so they must
    // sort after E000–FFFF: shift both ranges to restore code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function _digits(value: number, field: string): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot encode the order key: "${field}" is ${value}, not a non-negative safe integer.`,
    );
  }
  return String(value).padStart(ORDER_KEY_DIGITS, "0");
}
