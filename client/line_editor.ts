/**
 * The state of the line being typed, and what each key does to it. Pure:
 * `applyKey(state, key)` returns the new state and what the caller must do.
 *
 * @module
 */

import type { Key } from "./keys.ts";
import { graphemes } from "./text_width.ts";

/** The editor's state. */
export interface EditorState {
  /** The text typed so far. */
  readonly text: string;
  /** Cursor position: a UTF-16 offset on a grapheme boundary of `text`. */
  readonly cursor: number;
  /** Lines submitted before, oldest first. */
  readonly history: readonly string[];
  /** Index in `history` being shown; `history.length` for the new line. */
  readonly historyIndex: number;
  /** The new line's text, kept while browsing history. */
  readonly draft: string;
}

/** What the caller must do after a key. */
export type EditorAction =
  | { kind: "none" }
  | { kind: "submit"; line: string }
  | { kind: "eof" }
  | { kind: "interrupt" }
  | { kind: "redraw" };

/** Most lines kept in history. */
export const HISTORY_LIMIT = 500;

/** An empty editor, optionally with earlier history. */
export function emptyEditor(history: readonly string[] = []): EditorState {
  const kept = history.slice(-HISTORY_LIMIT);
  return {
    text: "",
    cursor: 0,
    history: kept,
    historyIndex: kept.length,
    draft: "",
  };
}

/**
 * Applies one key.
 *
 * - Enter submits (non-blank lines go to history; the editor empties).
 * - Ctrl-C clears a non-empty line, or asks to quit on an empty one.
 * - Ctrl-D deletes the character under the cursor, or is end-of-input on
 *   an empty line.
 *
 * @example
 * ```ts
 * import { applyKey, emptyEditor } from "./line_editor.ts";
 * let { state } = applyKey(emptyEditor(), { kind: "text", text: "hi" });
 * const result = applyKey(state, { kind: "enter" });
 * result.action; // { kind: "submit", line: "hi" }
 * ```
 */
export function applyKey(
  state: EditorState,
  key: Key,
): { state: EditorState; action: EditorAction } {
  const none = { kind: "none" } as const;
  switch (key.kind) {
    case "text":
      return { state: _insert(state, key.text), action: none };
    case "enter": {
      const line = state.text;
      const history = line.trim().length > 0 && state.history.at(-1) !== line
        ? [...state.history, line].slice(-HISTORY_LIMIT)
        : state.history;
      return {
        state: {
          text: "",
          cursor: 0,
          history,
          historyIndex: history.length,
          draft: "",
        },
        action: { kind: "submit", line },
      };
    }
    case "backspace": {
      if (state.cursor === 0) return { state, action: none };
      const start = _previousBoundary(state.text, state.cursor);
      return { state: _cut(state, start, state.cursor, start), action: none };
    }
    case "delete":
      return { state: _deleteForward(state), action: none };
    case "eof":
      if (state.text.length === 0) return { state, action: { kind: "eof" } };
      return { state: _deleteForward(state), action: none };
    case "interrupt":
      if (state.text.length === 0) {
        return { state, action: { kind: "interrupt" } };
      }
      return {
        state: {
          ...state,
          text: "",
          cursor: 0,
          historyIndex: state.history.length,
        },
        action: none,
      };
    case "left":
      return {
        state: {
          ...state,
          cursor: _previousBoundary(state.text, state.cursor),
        },
        action: none,
      };
    case "right":
      return {
        state: { ...state, cursor: _nextBoundary(state.text, state.cursor) },
        action: none,
      };
    case "home":
      return { state: { ...state, cursor: 0 }, action: none };
    case "end":
      return { state: { ...state, cursor: state.text.length }, action: none };
    case "wordLeft":
      return {
        state: { ...state, cursor: _wordStart(state.text, state.cursor) },
        action: none,
      };
    case "wordRight":
      return {
        state: { ...state, cursor: _wordEnd(state.text, state.cursor) },
        action: none,
      };
    case "killLine":
      return { state: _cut(state, 0, state.cursor, 0), action: none };
    case "killToEnd":
      return {
        state: _cut(state, state.cursor, state.text.length, state.cursor),
        action: none,
      };
    case "killWordBack": {
      const start = _wordStart(state.text, state.cursor);
      return { state: _cut(state, start, state.cursor, start), action: none };
    }
    case "up":
      return { state: _browse(state, state.historyIndex - 1), action: none };
    case "down":
      return { state: _browse(state, state.historyIndex + 1), action: none };
    case "redraw":
      return { state, action: { kind: "redraw" } };
    case "tab":
    case "unknown":
      return { state, action: none };
    default: {
      const unreachable: never = key;
      throw new Error(`Unhandled key ${JSON.stringify(unreachable)}`);
    }
  }
}

function _insert(state: EditorState, inserted: string): EditorState {
  const before = state.text.slice(0, state.cursor);
  const after = state.text.slice(state.cursor);
  const text = before + inserted + after;
  // A combining mark joins the grapheme before it: keep the cursor on a
  // boundary by snapping forward.
  return {
    ...state,
    text,
    cursor: _snap(text, before.length + inserted.length),
  };
}

function _cut(
  state: EditorState,
  from: number,
  to: number,
  cursor: number,
): EditorState {
  return {
    ...state,
    text: state.text.slice(0, from) + state.text.slice(to),
    cursor,
  };
}

function _deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state;
  const end = _nextBoundary(state.text, state.cursor);
  return _cut(state, state.cursor, end, state.cursor);
}

function _browse(state: EditorState, index: number): EditorState {
  if (index < 0 || index > state.history.length) return state;
  const draft = state.historyIndex === state.history.length
    ? state.text
    : state.draft;
  const text = index === state.history.length ? draft : state.history[index];
  return { ...state, text, cursor: text.length, historyIndex: index, draft };
}

function _boundaries(text: string): number[] {
  const offsets = [0];
  let offset = 0;
  for (const grapheme of graphemes(text)) {
    offset += grapheme.length;
    offsets.push(offset);
  }
  return offsets;
}

function _previousBoundary(text: string, cursor: number): number {
  const offsets = _boundaries(text);
  for (let i = offsets.length - 1; i >= 0; i--) {
    if (offsets[i] < cursor) return offsets[i];
  }
  return 0;
}

function _nextBoundary(text: string, cursor: number): number {
  for (const offset of _boundaries(text)) if (offset > cursor) return offset;
  return text.length;
}

function _snap(text: string, offset: number): number {
  for (const boundary of _boundaries(text)) {
    if (boundary >= offset) return boundary;
  }
  return text.length;
}

function _wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return _snap(text, i);
}

function _wordEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && /\s/.test(text[i])) i++;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return _snap(text, i);
}
