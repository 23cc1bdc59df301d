/**
 * The interactive terminal: raw-mode input through the line editor, and
 * output printed above the input line so a message arriving while the
 * person types never breaks what they are typing.
 *
 * @module
 */

import { KeyDecoder } from "./keys.ts";
import { applyKey, type EditorState, emptyEditor } from "./line_editor.ts";
import { printAbove, type Prompt, renderLine } from "./render_line.ts";
import { stripAnsi, textWidth } from "./text_width.ts";

/** What the terminal needs from the process (injectable for tests). */
export interface TerminalIo {
  /** Raw input chunks. */
  input: ReadableStream<Uint8Array>;
  /** Writes all bytes, synchronously (keeps output ordered). */
  write(bytes: Uint8Array): void;
  /** Switches raw mode. */
  setRaw(raw: boolean): void;
  /** Current width in columns. */
  columns(): number;
}

/** The process's own terminal. */
export function processTerminalIo(): TerminalIo {
  return {
    input: Deno.stdin.readable,
    write(bytes) {
      let offset = 0;
      while (offset < bytes.length) {
        offset += Deno.stdout.writeSync(bytes.subarray(offset));
      }
    },
    setRaw(raw) {
      Deno.stdin.setRaw(raw);
    },
    columns() {
      try {
        return Deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
  };
}

/** Makes a prompt from styled text (its width measured without colours). */
export function makePrompt(styled: string): Prompt {
  return { styled, width: textWidth(stripAnsi(styled)) };
}

const encoder = new TextEncoder();

/**
 * A line-editing terminal. `readLine` returns each submitted line (`null`
 * at end of input: Ctrl-D or Ctrl-C on an empty line); `print` shows a
 * line above the input.
 */
export class Terminal {
  readonly #io: TerminalIo;
  readonly #keys = new KeyDecoder();
  readonly #submitted: Array<string | null> = [];
  #waiter: ((line: string | null) => void) | undefined;
  #state: EditorState = emptyEditor();
  #prompt: Prompt = makePrompt("> ");
  #running = false;
  #ended = false;
  #loop: Promise<void> | undefined;
  #onResize = () => this.redraw();

  /** Wraps the given I/O (default: the process's terminal). */
  constructor(io: TerminalIo = processTerminalIo()) {
    this.#io = io;
  }

  /** Enters raw mode and starts reading keys. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#io.setRaw(true);
    try {
      Deno.addSignalListener("SIGWINCH", this.#onResize);
    } catch {
      // No SIGWINCH here (Windows): the line redraws on the next key.
    }
    this.#loop = this.#read();
    this.#write(renderLine(this.#prompt, this.#state, this.#io.columns()));
  }

  /** Leaves raw mode and moves below the input line. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    try {
      Deno.removeSignalListener("SIGWINCH", this.#onResize);
    } catch {
      // Never added.
    }
    this.#write("\r\x1b[2K");
    try {
      this.#io.setRaw(false);
    } catch {
      // The terminal went away.
    }
  }

  /** Changes the prompt and redraws the input line. */
  setPrompt(styled: string): void {
    this.#prompt = makePrompt(styled);
    this.redraw();
  }

  /** Redraws the input line. */
  redraw(): void {
    if (!this.#running) return;
    this.#write(renderLine(this.#prompt, this.#state, this.#io.columns()));
  }

  /** Prints lines above the input line, then redraws it as it was. */
  print(...lines: string[]): void {
    if (!this.#running) {
      this.#write(lines.map((l) => `${l}\n`).join(""));
      return;
    }
    this.#write(
      printAbove(lines, this.#prompt, this.#state, this.#io.columns()),
    );
  }

  /** The next submitted line, or `null` at end of input. */
  readLine(): Promise<string | null> {
    if (this.#submitted.length > 0) {
      return Promise.resolve(this.#submitted.shift()!);
    }
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiter = resolve);
  }

  /** Resolves once the input loop has ended (after end of input). */
  get done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  #deliver(line: string | null): void {
    if (line === null) this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter !== undefined) waiter(line);
    else this.#submitted.push(line);
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.#io.input) {
        this.#handle(decoder.decode(chunk, { stream: true }));
        if (this.#ended) break;
      }
    } catch {
      // Input closed.
    }
    if (!this.#ended) this.#deliver(null);
  }

  #handle(text: string): void {
    for (const key of this.#keys.feed(text)) {
      if (this.#ended) return;
      const before = this.#state;
      const { state, action } = applyKey(before, key);
      this.#state = state;
      switch (action.kind) {
        case "submit":
          // The submitted line stays on screen, like in a shell.
          this.#write(
            `\r\x1b[2K${this.#prompt.styled}${before.text}\r\n` +
              renderLine(this.#prompt, this.#state, this.#io.columns()),
          );
          this.#deliver(action.line);
          break;
        case "eof":
        case "interrupt":
          this.#deliver(null);
          break;
        case "redraw":
          this.#write("\x1b[2J\x1b[H");
          this.redraw();
          break;
        case "none":
          if (state !== before) this.redraw();
          break;
        default: {
          const unreachable: never = action;
          throw new Error(`Unhandled action ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }

  #write(text: string): void {
    try {
      this.#io.write(encoder.encode(text));
    } catch {
      // The terminal went away; nothing sensible to do.
    }
  }
}
