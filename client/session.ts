/**
 * A logged-in chat session: runs the commands a person types (or a script
 * holds) against the cluster and prints live messages. Shared by the
 * interactive and the script modes; output goes through `print`.
 *
 * @module
 */

import {
  type AgoraClient,
  AgoraError,
  type Subscription,
} from "@agora/shared/client";
import {
  type ChannelMessage,
  parseMessageId,
  type PrivateMessage,
  validateName,
  validateNewName,
} from "@agora/shared/protocol";
import { compareOrder, type OrderKey } from "@agora/shared/order";
import { type Command, HELP_LINES, parseCommand } from "./commands.ts";
import {
  formatChannelMessage,
  formatError,
  formatInfo,
  formatNames,
  formatOk,
  formatPrivateMessage,
  type Style,
} from "./format.ts";

/** Options of {@linkcode ChatSession.start}. */
export interface ChatSessionOptions {
  /** The cluster client (the session does not close it). */
  client: AgoraClient;
  /** Who to log in as. */
  user: string;
  /** Prints one line (without line break). */
  print: (line: string) => void;
  /** Colours. */
  style: Style;
  /** Times in UTC (tests). */
  utc?: boolean;
  /** Print a confirmation for every post (script mode). */
  confirmPosts?: boolean;
  /** Recent messages shown by `/join` (default 10). */
  joinHistory?: number;
  /** Wall clock, ms (default `Date.now`). */
  nowMs?: () => number;
}

/** What the caller does after a line. */
export type Outcome = "continue" | "quit";

/**
 * Message ids remembered per channel or conversation. Past it the oldest
 * half (in message order) is forgotten and the floor raised over them, so
 * {@linkcode ChatSession.refill} cannot show them again.
 */
const SHOWN_IDS_LIMIT = 1000;
/** Longest wait for a post's live copy when posts are confirmed, ms. */
const ECHO_WAIT_MS = 1000;
/** Messages per channel {@linkcode ChatSession.refill} looks at. */
export const REFILL_PAGE = 50;

/**
 * What a joined channel has shown. `refill` shows only messages above
 * `floor` whose id is not in `ids`; ids at or below the floor are forgotten,
 * which keeps memory bounded without ever showing a message twice.
 */
interface ChannelSeen {
  /**
   * Oldest message `refill` may still show is above it; `null`: none yet
   * (empty channel); `undefined`: the join has not settled it yet.
   */
  floor: OrderKey | null | undefined;
  /** Shown messages above the floor, by id. */
  ids: Map<string, OrderKey>;
}

/**
 * Private conversations {@linkcode ChatSession.refill} looks at: the ones
 * with the most recent activity.
 */
export const REFILL_CONVERSATIONS = 20;

/**
 * How much older than the session's start a private message refill shows
 * may be stamped, s: the servers stamp with their own clocks, which may
 * differ from this machine's by a few seconds (simulated offsets, and
 * Berkeley moves a clock at most 10 s a round).
 */
export const PRIVATE_REFILL_SLACK_SECONDS = 15;

/** A message's place in the order (its id holds the origin's seq). */
function orderOf(message: ChannelMessage | PrivateMessage): OrderKey {
  return {
    clock: message.clock,
    server: message.server,
    seq: parseMessageId(message.id)?.seq ?? 0,
  };
}

/**
 * A chat session of one user.
 *
 * @example
 * ```ts
 * import { AgoraClient } from "@agora/shared/client";
 * import { ChatSession } from "./session.ts";
 * import { createStyle } from "./format.ts";
 * const client = new AgoraClient({ servers: ["tcp://127.0.0.1:5555"] });
 * const session = await ChatSession.start({
 *   client, user: "ana", print: console.log, style: createStyle(false),
 * });
 * await session.execute("/join general");
 * await session.execute("hello!");
 * await session.close();
 * await client.close();
 * ```
 */
export class ChatSession {
  /** The logged-in user. */
  readonly user: string;
  readonly #client: AgoraClient;
  readonly #print: (line: string) => void;
  readonly #style: Style;
  readonly #utc: boolean;
  readonly #confirmPosts: boolean;
  readonly #joinHistory: number;
  readonly #nowMs: () => number;
  readonly #joined = new Map<string, Subscription>();
  /** Per joined channel, what it has shown (see refill). */
  readonly #seen = new Map<string, ChannelSeen>();
  /**
   * Per correspondent (most recent activity last), what the conversation
   * has shown, as for channels. Refill shows nothing stamped before the
   * session started ({@linkcode #sinceSeconds}), so a correspondent learnt
   * late still gets what they sent during an outage, and never older history.
   */
  readonly #seenPrivate = new Map<string, ChannelSeen>();
  #sinceSeconds = 0;
  /** Posts waiting for their live copy (see `#post`), by id. */
  readonly #echoWaiters = new Map<string, () => void>();
  #inbox: Subscription | undefined;
  #channel: string | undefined;
  #failures = 0;

  private constructor(options: ChatSessionOptions) {
    this.user = options.user;
    this.#client = options.client;
    this.#print = options.print;
    this.#style = options.style;
    this.#utc = options.utc ?? false;
    this.#confirmPosts = options.confirmPosts ?? false;
    this.#joinHistory = options.joinHistory ?? 10;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Logs in and starts receiving the user's private messages. Rejects with
   * the {@linkcode AgoraError} of the login (or a `"invalid_argument"` one
   * for a name that breaks the rules, without asking the server).
   */
  static async start(options: ChatSessionOptions): Promise<ChatSession> {
    const problem = loginNameProblem(options.user);
    if (problem !== undefined) {
      throw new AgoraError(problem, { code: "invalid_argument" });
    }
    const session = new ChatSession(options);
    session.#sinceSeconds = session.#nowMs() / 1000 -
      PRIVATE_REFILL_SLACK_SECONDS;
    await options.client.login(options.user);
    try {
      session.#inbox = options.client.onPrivate(
        options.user,
        (m) => session.#showPrivate(m),
      );
    } catch (error) {
      session.#error(error);
    }
    return session;
  }

  /** The current channel (where plain text goes), if any. */
  get channel(): string | undefined {
    return this.#channel;
  }

  /** Channels followed live. */
  get joined(): string[] {
    return [...this.#joined.keys()];
  }

  /** How many commands failed so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Runs one input line; never throws (errors are printed). */
  async execute(line: string): Promise<Outcome> {
    const command = parseCommand(line);
    try {
      return await this.#run(command);
    } catch (error) {
      this.#error(error);
      return "continue";
    }
  }

  /**
   * Shows the messages of joined channels that were stored but never
   * arrived live (published while the proxy was down, or dropped): the
   * latest {@linkcode REFILL_PAGE} of each channel, newer than what its
   * join showed, minus those already on screen (never one twice, however
   * many messages were shown meanwhile). Returns how many it showed;
   * a failed request shows nothing (the next call tries again). The
   * interactive client calls it every few seconds.
   */
  async refill(): Promise<number> {
    let shown = 0;
    for (const channel of [...this.#joined.keys()]) {
      let recent: ChannelMessage[];
      try {
        recent = await this.#client.history(channel, { limit: REFILL_PAGE });
      } catch {
        continue;
      }
      const seen = this.#seen.get(channel);
      // Not settled: the join is still fetching its history.
      if (seen === undefined || seen.floor === undefined) continue;
      shown += _refillPage(
        seen,
        recent,
        (message) => this.#showChannel(channel, message),
      );
    }
    return shown + await this.#refillPrivate();
  }

  /**
   * The same for the private conversations this session has seen: a
   * message stored while the proxy was down never arrives live.
   */
  async #refillPrivate(): Promise<number> {
    let shown = 0;
    for (const [peer, seen] of [...this.#seenPrivate]) {
      let recent: PrivateMessage[];
      try {
        recent = await this.#client.privateHistory(this.user, peer, {
          limit: REFILL_PAGE,
        });
      } catch {
        continue;
      }
      shown += _refillPage(
        seen,
        recent,
        (message) =>
          message.timestamp >= this.#sinceSeconds && this.#showPrivate(message),
      );
    }
    return shown;
  }

  /** Stops every live feed of the session. Idempotent. */
  close(): void {
    this.#inbox?.close();
    for (const subscription of this.#joined.values()) subscription.close();
    this.#joined.clear();
  }

  async #run(command: Command): Promise<Outcome> {
    const s = this.#style;
    switch (command.kind) {
      case "empty":
        return "continue";
      case "quit":
        return "quit";
      case "help":
        for (const line of HELP_LINES) this.#print(formatInfo(line, s));
        return "continue";
      case "invalid":
        this.#fail(command.message);
        return "continue";
      case "users": {
        const users = await this.#client.users();
        this.#print(
          formatNames(
            "Users",
            users,
            s,
            (n) => n === this.user ? s.bold(`${n} (you)`) : s.user(n),
          ),
        );
        return "continue";
      }
      case "channels": {
        const channels = await this.#client.channels();
        this.#print(
          formatNames(
            "Channels",
            channels,
            s,
            (n) => this.#joined.has(n) ? s.cyan(`#${n}*`) : s.cyan(`#${n}`),
          ),
        );
        if (channels.length === 0) {
          this.#print(formatInfo("Create one with /create <channel>.", s));
        }
        return "continue";
      }
      case "create": {
        const problem = validateNewName(command.channel, "channel");
        if (problem !== undefined) {
          this.#fail(problem.replace('The field "channel"', "A channel name"));
          return "continue";
        }
        await this.#client.createChannel(command.channel, this.user);
        this.#print(formatOk(
          // `/join` drops one leading '#': `#name` always means this channel,
          // also for a name that starts with '#'.
          `Created #${command.channel}. Enter it with /join #${command.channel}.`,
          s,
        ));
        return "continue";
      }
      case "join":
        await this.#join(command.channel);
        return "continue";
      case "leave":
        this.#leave(command.channel ?? this.#channel);
        return "continue";
      case "msg":
        await this.#sendPrivate(command.user, command.text);
        return "continue";
      case "history":
        await this.#history(command.count);
        return "continue";
      case "post":
        await this.#post(command.text);
        return "continue";
      default: {
        const unreachable: never = command;
        throw new Error(`Unhandled command ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async #join(channel: string): Promise<void> {
    const problem = validateName(channel, "channel");
    if (problem !== undefined) {
      this.#fail(problem.replace('The field "channel"', "A channel name"));
      return;
    }
    await this.#client.subscribe(this.user, channel);
    // Live first, then history: nothing published in between is missed,
    // and what shows up twice is dropped by id.
    if (!this.#joined.has(channel)) {
      this.#seen.set(channel, { floor: undefined, ids: new Map() });
      this.#joined.set(
        channel,
        this.#client.onChannel(channel, (m) => this.#showChannel(channel, m)),
      );
    }
    this.#channel = channel;
    this.#print(formatOk(`Joined #${channel}.`, this.#style));
    const seen = this.#seen.get(channel);
    let recent: ChannelMessage[];
    try {
      recent = await this.#client.history(channel, {
        limit: this.#joinHistory,
      });
    } catch (error) {
      // The join showed nothing: let refill catch up with a page instead.
      if (seen && seen.floor === undefined) seen.floor = null;
      throw error;
    }
    if (seen && seen.floor === undefined) {
      seen.floor = recent.length > 0 ? orderOf(recent.reduce(_older)) : null;
    }
    if (recent.length === 0) {
      this.#print(formatInfo(`No messages in #${channel} yet.`, this.#style));
    }
    for (const message of recent) this.#showChannel(channel, message);
  }

  #leave(channel: string | undefined): void {
    if (channel === undefined || !this.#joined.has(channel)) {
      this.#fail(
        channel === undefined
          ? "You are in no channel."
          : `You are not in #${channel}.`,
      );
      return;
    }
    this.#joined.get(channel)!.close();
    this.#joined.delete(channel);
    this.#seen.delete(channel);
    if (this.#channel === channel) this.#channel = this.joined.at(-1);
    this.#print(formatOk(
      `Left #${channel}.` +
        (this.#channel ? ` Current channel: #${this.#channel}.` : ""),
      this.#style,
    ));
  }

  async #post(text: string): Promise<void> {
    if (this.#channel === undefined) {
      this.#fail("Join a channel first: /join <channel> (or /channels).");
      return;
    }
    const channel = this.#channel;
    const sent = await this.#client.publish(this.user, channel, text);
    if (this.#confirmPosts) {
      // Scripts read like a transcript: the post's own live copy first,
      // then the confirmation, before the next command runs (bounded: a
      // copy that never comes, e.g. with the proxy down, only delays).
      if (
        sent.id && this.#joined.has(channel) &&
        !this.#seen.get(channel)?.ids.has(sent.id)
      ) {
        const id = sent.id;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          this.#echoWaiters.set(id, resolve);
          timer = setTimeout(resolve, ECHO_WAIT_MS);
        });
        clearTimeout(timer);
        this.#echoWaiters.delete(id);
      }
      this.#print(formatOk(
        `Sent to #${channel}${sent.id ? ` (id ${sent.id})` : ""}.`,
        this.#style,
      ));
    }
  }

  async #sendPrivate(dst: string, text: string): Promise<void> {
    const sent = await this.#client.message(this.user, dst, text);
    // Show the stored copy (its clock is the origin's), found by id.
    let stored: PrivateMessage | undefined;
    if (sent.id !== undefined) {
      try {
        const recent = await this.#client.privateHistory(this.user, dst, {
          limit: 20,
        });
        stored = recent.find((m) => m.id === sent.id);
      } catch {
        // The message is stored; only its exact stamp is unknown.
      }
    }
    stored ??= {
      id: sent.id ?? "",
      src: this.user,
      dst,
      user: this.user,
      message: text,
      timestamp: sent.timestamp ?? this.#nowMs() / 1000,
      clock: sent.clock ?? this.#client.clock.value,
      server: "",
    };
    this.#showPrivate(stored);
  }

  async #history(count: number): Promise<void> {
    if (this.#channel === undefined) {
      this.#fail("Join a channel first: /join <channel>.");
      return;
    }
    const messages = await this.#client.history(this.#channel, {
      limit: count,
    });
    this.#print(formatInfo(
      `Last ${messages.length} message${
        messages.length === 1 ? "" : "s"
      } of #${this.#channel}:`,
      this.#style,
    ));
    for (const message of messages) {
      this.#print(formatChannelMessage(message, this.#formatOptions()));
    }
  }

  /** Prints a message of joined `channel` unless already shown. */
  #showChannel(channel: string, message: ChannelMessage): boolean {
    const seen = this.#seen.get(channel);
    if (seen !== undefined && !_firstSight(seen, message)) return false;
    this.#print(formatChannelMessage(message, this.#formatOptions()));
    this.#echoWaiters.get(message.id)?.();
    return true;
  }

  /** Prints a private message unless already shown; whether it printed. */
  #showPrivate(message: PrivateMessage): boolean {
    if (message.id && !_firstSight(this.#conversation(message), message)) {
      return false;
    }
    this.#print(
      formatPrivateMessage(message, this.user, this.#formatOptions()),
    );
    return true;
  }

  /**
   * What `message`'s conversation has shown, made the most recent one;
   * only the latest {@linkcode REFILL_CONVERSATIONS} are kept.
   */
  #conversation(message: PrivateMessage): ChannelSeen {
    const peer = message.src === this.user ? message.dst : message.src;
    const seen = this.#seenPrivate.get(peer) ?? { floor: null, ids: new Map() };
    this.#seenPrivate.delete(peer);
    this.#seenPrivate.set(peer, seen);
    if (this.#seenPrivate.size > REFILL_CONVERSATIONS) {
      this.#seenPrivate.delete(this.#seenPrivate.keys().next().value!);
    }
    return seen;
  }

  #formatOptions() {
    return { style: this.#style, utc: this.#utc };
  }

  #fail(message: string): void {
    this.#failures++;
    this.#print(formatError(message, this.#style));
  }

  #error(error: unknown): void {
    if (error instanceof AgoraError && error.code === "unknown_outcome") {
      // Not a refusal: the post may well be stored, and sending it again
      // would show it twice. Still counted, as it was not confirmed.
      this.#failures++;
      this.#print(formatInfo(
        error.service === "message"
          ? "Your message may have been sent (no server could confirm it): check before sending it again."
          : "Your post may have been sent (no server could confirm it): check /history before sending it again.",
        this.#style,
      ));
    } else if (error instanceof AgoraError) {
      this.#fail(error.message);
    } else {
      this.#fail(
        `Unexpected error: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}

/**
 * Shows, with `show`, the messages of a refill page (newest history) that
 * are above the floor; returns how many `show` printed. A full page holds
 * the latest messages: one below its oldest can never come back into a
 * later page, so the floor rises to it and those ids are forgotten.
 */
function _refillPage<M extends ChannelMessage | PrivateMessage>(
  seen: ChannelSeen,
  recent: readonly M[],
  show: (message: M) => boolean,
): number {
  let shown = 0;
  for (const message of recent) {
    // Read each time: showing may raise the floor (`_forgetOldestHalf`).
    if (seen.floor && compareOrder(orderOf(message), seen.floor) <= 0) continue;
    if (show(message)) shown++;
  }
  if (recent.length >= REFILL_PAGE) {
    _raiseFloor(seen, orderOf(recent.reduce(_older)));
  }
  return shown;
}

/**
 * Records `message` as shown in `seen`; false if it was already. Past
 * {@linkcode SHOWN_IDS_LIMIT} ids the oldest half is forgotten.
 */
function _firstSight(
  seen: ChannelSeen,
  message: ChannelMessage | PrivateMessage,
): boolean {
  if (seen.ids.has(message.id)) return false;
  seen.ids.set(message.id, orderOf(message));
  if (seen.ids.size > SHOWN_IDS_LIMIT) _forgetOldestHalf(seen);
  return true;
}

/** The older of two messages (for `reduce`). */
function _older<M extends ChannelMessage | PrivateMessage>(a: M, b: M): M {
  return compareOrder(orderOf(b), orderOf(a)) < 0 ? b : a;
}

/**
 * Raises the floor to `key` (never lowers it) and forgets the ids at or
 * below the floor (live copies may sit below an older floor too).
 */
function _raiseFloor(seen: ChannelSeen, key: OrderKey): void {
  if (!seen.floor || compareOrder(key, seen.floor) > 0) seen.floor = key;
  const floor = seen.floor;
  for (const [id, order] of seen.ids) {
    if (compareOrder(order, floor) <= 0) seen.ids.delete(id);
  }
}

/**
 * Forgets the older half of the shown ids by raising the floor over them:
 * refill then skips them by order instead of by id. Only a channel flooded
 * live between two refills (or in script mode, which never refills) gets
 * here.
 */
function _forgetOldestHalf(seen: ChannelSeen): void {
  const orders = [...seen.ids.values()].sort(compareOrder);
  _raiseFloor(seen, orders[orders.length - 1 - SHOWN_IDS_LIMIT / 2]);
}

/**
 * Why `name` cannot be a user name (the Names rules plus the reserved
 * topics), or `undefined` when it can.
 */
export function loginNameProblem(name: string): string | undefined {
  const problem = validateNewName(name, "user");
  return problem?.replace('The field "user"', "A name");
}
