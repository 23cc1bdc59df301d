/**
 * Parsing what the person typed into a command. Pure.
 *
 * @module
 */

import { HISTORY_LIMIT_MAX } from "@agora/shared/protocol";

/** A parsed input line. */
export type Command =
  | { kind: "help" }
  | { kind: "users" }
  | { kind: "channels" }
  | { kind: "create"; channel: string }
  | { kind: "join"; channel: string }
  | { kind: "leave"; channel: string | undefined }
  | { kind: "msg"; user: string; text: string }
  | { kind: "history"; count: number }
  | { kind: "quit" }
  | { kind: "post"; text: string }
  | { kind: "empty" }
  | { kind: "invalid"; message: string };

/** Messages shown by `/history` without a count. */
export const HISTORY_COUNT_DEFAULT = 20;

/** The commands, for `/help`. */
export const HELP_LINES: readonly string[] = Object.freeze([
  "/users                 list the users",
  "/channels              list the channels",
  "/create <channel>      create a channel",
  "/join <channel>        follow a channel (#general or general), show recent messages",
  "/leave [channel]       stop following a channel (default: the current one)",
  '/msg <user> <text>     private message ("quoted name" if it has spaces)',
  `/history [n]           last n messages of the current channel (default ${HISTORY_COUNT_DEFAULT})`,
  "/help                  this list",
  "/quit                  leave (also Ctrl-D, or Ctrl-C on an empty line)",
  "anything else          posts to the current channel (start with // to post a leading /)",
]);

const ALIASES: Record<string, string> = {
  "/exit": "/quit",
  "/q": "/quit",
  "/h": "/help",
  "/?": "/help",
  "/j": "/join",
  "/m": "/msg",
};

/**
 * Parses one input line.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./commands.ts";
 * parseCommand("/msg bia hello there"); // { kind: "msg", user: "bia", text: "hello there" }
 * parseCommand("hello");                // { kind: "post", text: "hello" }
 * ```
 */
export function parseCommand(line: string): Command {
  const trimmed = line.trim();
  if (trimmed.length === 0) return { kind: "empty" };
  if (trimmed.startsWith("//")) {
    return { kind: "post", text: line.trimStart().slice(1) };
  }
  if (!trimmed.startsWith("/")) return { kind: "post", text: line };
  const space = trimmed.search(/\s/);
  const word = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space < 0 ? "" : trimmed.slice(space).trim();
  const name = ALIASES[word] ?? word;
  switch (name) {
    case "/help":
      return { kind: "help" };
    case "/users":
      return { kind: "users" };
    case "/channels":
      return { kind: "channels" };
    case "/quit":
      return { kind: "quit" };
    case "/create":
      return rest
        ? { kind: "create", channel: channelArgument(rest) }
        : _usage("/create <channel>");
    case "/join":
      return rest
        ? { kind: "join", channel: channelArgument(rest) }
        : _usage("/join <channel>");
    case "/leave":
      return {
        kind: "leave",
        channel: rest ? channelArgument(rest) : undefined,
      };
    case "/msg":
      return _msg(rest);
    case "/history":
      return _history(rest);
    default:
      return {
        kind: "invalid",
        message: `Unknown command ${word}: /help lists the commands.`,
      };
  }
}

/**
 * A channel as typed after a command: the client shows channels as
 * `#name`, so one leading `#` is the IRC habit, not part of the name
 * (`##name` names a channel that starts with `#`).
 *
 * @example
 * ```ts
 * import { channelArgument } from "./commands.ts";
 * channelArgument("#general"); // "general"
 * channelArgument("##hash"); // "#hash"
 * ```
 */
export function channelArgument(text: string): string {
  return text.startsWith("#") ? text.slice(1) : text;
}

/**
 * A name typed at the login prompt: surrounding double quotes (as `/msg`
 * takes a name with spaces) are not part of it.
 *
 * @example
 * ```ts
 * import { promptName } from "./commands.ts";
 * promptName(' "ana maria" '); // "ana maria"
 * ```
 */
export function promptName(line: string): string {
  const name = line.trim();
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"')
    ? name.slice(1, -1)
    : name;
}

function _msg(rest: string): Command {
  let user: string;
  let text: string;
  if (rest.startsWith('"')) {
    const close = rest.indexOf('"', 1);
    if (close < 0) return _usage('/msg "<user name>" <text>');
    user = rest.slice(1, close);
    text = rest.slice(close + 1).trim();
  } else {
    const space = rest.search(/\s/);
    user = space < 0 ? rest : rest.slice(0, space);
    text = space < 0 ? "" : rest.slice(space).trim();
  }
  if (!user || !text) return _usage("/msg <user> <text>");
  return { kind: "msg", user, text };
}

function _history(rest: string): Command {
  if (rest === "") return { kind: "history", count: HISTORY_COUNT_DEFAULT };
  const count = Number(rest);
  if (!Number.isInteger(count) || count < 1 || count > HISTORY_LIMIT_MAX) {
    return {
      kind: "invalid",
      message:
        `/history takes a number from 1 to ${HISTORY_LIMIT_MAX}, not "${rest}".`,
    };
  }
  return { kind: "history", count };
}

function _usage(usage: string): Command {
  return { kind: "invalid", message: `Usage: ${usage}` };
}
