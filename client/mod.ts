/**
 * The agora terminal client's building blocks (the program is `main.ts`):
 * key decoding, the line editor and its rendering, command parsing,
 * formatting, and the chat session shared by the interactive and script
 * modes.
 *
 * @module
 */

export { type Command, HELP_LINES, parseCommand } from "./commands.ts";
export {
  clockTime,
  colourWanted,
  createStyle,
  formatChannelMessage,
  formatError,
  formatInfo,
  formatPrivateMessage,
  sanitize,
  type Style,
} from "./format.ts";
export { type Key, KeyDecoder } from "./keys.ts";
export {
  applyKey,
  type EditorAction,
  type EditorState,
  emptyEditor,
} from "./line_editor.ts";
export {
  lineView,
  printAbove,
  type Prompt,
  renderLine,
} from "./render_line.ts";
export {
  ChatSession,
  type ChatSessionOptions,
  loginNameProblem,
} from "./session.ts";
export { Terminal, type TerminalIo } from "./terminal.ts";
