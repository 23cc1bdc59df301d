/**
 * How the terminal client shows things: timestamps, messages, notices,
 * colours. Pure; colours only when asked.
 *
 * @module
 */

import type { ChannelMessage, PrivateMessage } from "@agora/shared/protocol";

/** ANSI styling that can be switched off (not a TTY, or `NO_COLOR`). */
export interface Style {
  /** Whether colours are on. */
  readonly enabled: boolean;
  /** Dim text (metadata). */
  dim(text: string): string;
  /** Bold text. */
  bold(text: string): string;
  /** Errors. */
  red(text: string): string;
  /** Confirmations. */
  green(text: string): string;
  /** Channels. */
  cyan(text: string): string;
  /** Private messages. */
  magenta(text: string): string;
  /** A user name in its own stable colour. */
  user(name: string): string;
}

const USER_COLOURS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96];

/** A style; with `enabled` false every function returns its input. */
export function createStyle(enabled: boolean): Style {
  const wrap = (code: string) => (text: string) =>
    enabled ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    enabled,
    dim: wrap("2"),
    bold: wrap("1"),
    red: wrap("31"),
    green: wrap("32"),
    cyan: wrap("36"),
    magenta: wrap("35"),
    user: (name) => {
      if (!enabled) return name;
      let hash = 0;
      for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
      return `\x1b[1;${
        USER_COLOURS[hash % USER_COLOURS.length]
      }m${name}\x1b[0m`;
    },
  };
}

/**
 * Whether to use colours: only on a TTY, and never when `NO_COLOR` is set
 * to anything non-empty (https://no-color.org).
 */
export function colourWanted(
  isTty: boolean,
  noColor: string | undefined,
): boolean {
  return isTty && (noColor === undefined || noColor === "");
}

/**
 * Makes text from the network safe to print: control characters (which
 * could move the cursor, clear the screen or retitle the terminal) and
 * bidirectional overrides become visible `�`; line breaks become `⏎`.
 */
export function sanitize(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, "⏎")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "�");
}

/** Options of the formatters. */
export interface FormatOptions {
  /** The style to use. */
  style: Style;
  /** Show times in UTC instead of the local zone (tests). */
  utc?: boolean;
}

/** `HH:MM:SS` of a timestamp in seconds since the epoch. */
export function clockTime(timestampSeconds: number, utc = false): string {
  const date = new Date(Math.round(timestampSeconds * 1000));
  const parts = utc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds()];
  return parts.map((n) => String(n).padStart(2, "0")).join(":");
}

/** `[12:34:56] #general <ana> hello  L42` */
export function formatChannelMessage(
  message: ChannelMessage,
  options: FormatOptions,
): string {
  const s = options.style;
  return `${s.dim(`[${clockTime(message.timestamp, options.utc)}]`)} ${
    s.cyan(`#${sanitize(message.channel)}`)
  } <${s.user(sanitize(message.user))}> ${sanitize(message.message)}  ${
    s.dim(`L${message.clock}`)
  }`;
}

/**
 * `[12:34:56] [pm] bia → ana: psst  L43` — `self` is the session's user,
 * shown as "you".
 */
export function formatPrivateMessage(
  message: PrivateMessage,
  self: string,
  options: FormatOptions,
): string {
  const s = options.style;
  const who = (name: string) =>
    name === self ? s.bold("you") : s.user(sanitize(name));
  return `${s.dim(`[${clockTime(message.timestamp, options.utc)}]`)} ${
    s.magenta("[pm]")
  } ${who(message.src)} → ${who(message.dst)}: ${sanitize(message.message)}  ${
    s.dim(`L${message.clock}`)
  }`;
}

/** A notice line: `* text`. */
export function formatInfo(text: string, style: Style): string {
  return style.dim("* ") + sanitize(text);
}

/** A success line: `✓ text`. */
export function formatOk(text: string, style: Style): string {
  return style.green("✓ ") + sanitize(text);
}

/** An error line: `! text`. */
export function formatError(text: string, style: Style): string {
  return style.red("! " + sanitize(text));
}

/** A list of names, comma-separated, sorted, with a count. */
export function formatNames(
  label: string,
  names: readonly string[],
  style: Style,
  decorate: (name: string) => string = (n) => n,
): string {
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  const shown = sorted.length === 0
    ? style.dim("(none)")
    : sorted.map((n) => decorate(sanitize(n))).join(", ");
  return `${style.bold(label)} (${sorted.length}): ${shown}`;
}
