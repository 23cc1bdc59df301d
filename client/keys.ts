/**
 * Terminal input bytes (already decoded as UTF-8 text) to key presses.
 * Pure: escape sequences split across reads are kept until complete.
 *
 * @module
 */

/** A key press, or a run of typed/pasted text. */
export type Key =
  | { kind: "text"; text: string }
  | {
    kind:
      | "enter"
      | "backspace"
      | "delete"
      | "left"
      | "right"
      | "home"
      | "end"
      | "up"
      | "down"
      | "wordLeft"
      | "wordRight"
      | "killLine"
      | "killToEnd"
      | "killWordBack"
      | "interrupt"
      | "eof"
      | "redraw"
      | "tab"
      | "unknown";
  };

type Named = Exclude<Key, { kind: "text" }>["kind"];

const CONTROL: Record<string, Named> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\x08": "backspace",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x15": "killLine",
  "\x0b": "killToEnd",
  "\x17": "killWordBack",
  "\x03": "interrupt",
  "\x04": "eof",
  "\x0c": "redraw",
  "\t": "tab",
};

// CSI sequences by their parameters and final byte (xterm, VT220, rxvt).
const CSI: Record<string, Named> = {
  "A": "up",
  "B": "down",
  "C": "right",
  "D": "left",
  "H": "home",
  "F": "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "3~": "delete",
  "1;5C": "wordRight",
  "1;5D": "wordLeft",
  "1;3C": "wordRight",
  "1;3D": "wordLeft",
};

const SS3: Record<string, Named> = {
  "A": "up",
  "B": "down",
  "C": "right",
  "D": "left",
  "H": "home",
  "F": "end",
};

const ALT: Record<string, Named> = {
  "b": "wordLeft",
  "f": "wordRight",
  "\x7f": "killWordBack",
};

/**
 * Decodes keys from terminal input. Printable characters that arrive
 * together (typing fast, pasting) come out as one `text` key.
 *
 * @example
 * ```ts
 * import { KeyDecoder } from "./keys.ts";
 * const keys = new KeyDecoder();
 * keys.feed("hé\x1b["); // [{ kind: "text", text: "hé" }]
 * keys.feed("D");       // [{ kind: "left" }]
 * ```
 */
export class KeyDecoder {
  #pending = "";

  /** Decodes `input`; an incomplete escape sequence at its end waits for more. */
  feed(input: string): Key[] {
    const data = this.#pending + input;
    this.#pending = "";
    const keys: Key[] = [];
    let text = "";
    const flush = () => {
      if (text.length > 0) keys.push({ kind: "text", text });
      text = "";
    };
    let i = 0;
    while (i < data.length) {
      const ch = data[i];
      if (ch === "\x1b") {
        const parsed = _escape(data, i);
        if (parsed === "incomplete") {
          flush();
          this.#pending = data.slice(i);
          return keys;
        }
        flush();
        keys.push({ kind: parsed.kind });
        i = parsed.end;
        continue;
      }
      const named = CONTROL[ch];
      if (named !== undefined) {
        flush();
        // "\r\n" from a paste is one line break, not two.
        if (ch === "\n" && data[i - 1] === "\r") {
          i++;
          continue;
        }
        keys.push({ kind: named });
        i++;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (code < 0x20 || (code >= 0x80 && code < 0xa0)) {
        flush();
        keys.push({ kind: "unknown" });
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    flush();
    return keys;
  }

  /**
   * Ends a lone ESC that is still pending (the caller's idle moment after
   * input): returns it as an unknown key.
   */
  flushPending(): Key[] {
    if (this.#pending === "") return [];
    this.#pending = "";
    return [{ kind: "unknown" }];
  }
}

function _escape(
  data: string,
  start: number,
): { kind: Named; end: number } | "incomplete" {
  const next = data[start + 1];
  if (next === undefined) return "incomplete";
  if (next === "[") {
    // CSI: parameters (0x30–0x3F), intermediates (0x20–0x2F), final (0x40–0x7E).
    let j = start + 2;
    while (j < data.length) {
      const code = data.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) {
        const body = data.slice(start + 2, j + 1);
        return { kind: CSI[body] ?? "unknown", end: j + 1 };
      }
      if (code < 0x20 || code > 0x3f) {
        return { kind: "unknown", end: j };
      }
      j++;
    }
    return j - start > 32 ? { kind: "unknown", end: j } : "incomplete";
  }
  if (next === "O") {
    const final = data[start + 2];
    if (final === undefined) return "incomplete";
    return { kind: SS3[final] ?? "unknown", end: start + 3 };
  }
  if (next === "\x1b") return { kind: "unknown", end: start + 1 };
  return { kind: ALT[next] ?? "unknown", end: start + 2 };
}
