/**
 * Drawing the input line: the prompt and the part of the text that fits,
 * scrolled horizontally so the cursor is always visible. Pure: returns the
 * escape sequence to write.
 *
 * @module
 */

import type { EditorState } from "./line_editor.ts";
import { graphemes, graphemeWidth } from "./text_width.ts";

/** A prompt: its styled text and its width in columns. */
export interface Prompt {
  /** Text to write (may contain colour codes). */
  styled: string;
  /** Columns it takes on screen. */
  width: number;
}

/** The visible window of the line. */
export interface LineView {
  /** The text shown after the prompt. */
  visible: string;
  /** Columns from the left edge to the cursor. */
  cursorColumn: number;
}

/**
 * Which part of `state.text` to show in `columns` after a prompt of
 * `promptWidth`: the longest window that ends after the cursor, starting as
 * early as possible. The last column stays free so the terminal never
 * wraps.
 */
export function lineView(
  state: Pick<EditorState, "text" | "cursor">,
  promptWidth: number,
  columns: number,
): LineView {
  const available = Math.max(0, columns - promptWidth - 1);
  const parts = graphemes(state.text);
  const widths = parts.map(graphemeWidth);
  let cursorIndex = 0;
  for (let offset = 0; cursorIndex < parts.length; cursorIndex++) {
    if (offset >= state.cursor) break;
    offset += parts[cursorIndex].length;
  }
  // Start as early as possible while the cursor cell still fits.
  let start = 0;
  let beforeCursor = widths.slice(0, cursorIndex).reduce((a, b) => a + b, 0);
  while (start < cursorIndex && beforeCursor + 1 > available) {
    beforeCursor -= widths[start];
    start++;
  }
  let used = 0;
  let end = start;
  while (end < parts.length && used + widths[end] <= available) {
    used += widths[end];
    end++;
  }
  return {
    visible: parts.slice(start, end).join(""),
    cursorColumn: promptWidth + Math.min(beforeCursor, available),
  };
}

/**
 * The escape sequence that redraws the input line in place: go to column
 * 0, write prompt and visible text, clear the rest, put the cursor back.
 */
export function renderLine(
  prompt: Prompt,
  state: Pick<EditorState, "text" | "cursor">,
  columns: number,
): string {
  const view = lineView(state, prompt.width, columns);
  const back = view.cursorColumn > 0 ? `\x1b[${view.cursorColumn}C` : "";
  return `\r${prompt.styled}${view.visible}\x1b[K\r${back}`;
}

/**
 * The sequence that prints `lines` above the input line without losing
 * what is being typed: clear the input line, print, redraw it below.
 */
export function printAbove(
  lines: readonly string[],
  prompt: Prompt,
  state: Pick<EditorState, "text" | "cursor">,
  columns: number,
): string {
  const printed = lines.map((line) => `\r\x1b[2K${line}\r\n`).join("");
  return printed + renderLine(prompt, state, columns);
}
