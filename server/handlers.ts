/**
 * The client services, as pure functions: a parsed request, a read view of
 * the state and a record factory in; the reply and the records to store
 * out. No sockets, no storage writes, no clock reads here: the group-commit
 * loop (`pump.ts`) stores the records of a whole batch at once, publishes,
 * and only then sends the replies.
 *
 * Extension: a successful `publish` / `message` reply carries the new
 * message's `id` (`"<server>:<seq>"`).
 *
 * @example
 * ```ts
 * import { handleClientRequest } from "./handlers.ts";
 * import { MemoryView } from "./memory_view.ts";
 * const view = new MemoryView();
 * let seq = 0;
 * const result = handleClientRequest(
 *   { service: "login", data: { user: "ana" } },
 *   view,
 *   (op, data) => ({ origin: "s1", seq: ++seq, clock: seq, timestamp: 1, op, data }) as never,
 * );
 * result.records.map((r) => r.op); // ["user", "login"]
 * ```
 *
 * @module
 */

import {
  type ChannelMessage,
  type ClientService,
  encodeChannelPublication,
  encodePrivatePublication,
  failureReply,
  type PrivateMessage,
  type Reply,
  type Request,
} from "@agora/shared/protocol";
import type { ChatRecord, RecordData, RecordOp } from "@agora/shared/record";
import { recordId } from "@agora/shared/record";
import type { KeyedPost } from "./storage_types.ts";

/** Paging of a history read. */
export interface PageOptions {
  /** Most messages (the parser already clamped it). */
  limit: number;
  /** Only messages strictly older than this message id. */
  before?: string;
}

/** What the handlers read: the store plus the batch's pending records. */
export interface ChatView {
  /** Whether the user exists. */
  hasUser(name: string): boolean;
  /** Whether the channel exists. */
  hasChannel(name: string): boolean;
  /** Whether `user` follows `channel`. */
  isSubscribed(user: string, channel: string): boolean;
  /** Every user name, sorted. */
  users(): string[];
  /** Every channel name, sorted. */
  channels(): string[];
  /**
   * A page of a channel's messages, oldest first.
   *
   * @throws an error whose `code` is `"UNKNOWN_ID"` when `before` names no message
   */
  channelHistory(channel: string, page: PageOptions): ChannelMessage[];
  /** A page of the messages between two users, oldest first (throws like `channelHistory`). */
  privateHistory(
    user1: string,
    user2: string,
    page: PageOptions,
  ): PrivateMessage[];
  /** The post of kind `op` `user` sent with the key `requestId`, if any. */
  requestPost(
    op: "publish" | "message",
    user: string,
    requestId: string,
  ): KeyedPost | undefined;
}

/**
 * Creates this server's next record of kind `op`: allocates its sequence
 * number and stamps it with a Lamport tick and the physical clock.
 */
export type RecordFactory = <K extends RecordOp>(
  op: K,
  data: RecordData[K],
) => ChatRecord;

/** What handling one client request produced. */
export interface Handled {
  /** The reply, unstamped (the loop stamps it when sending). */
  reply: Reply;
  /** New records to store before the reply is sent (may be empty). */
  records: ChatRecord[];
}

/** The client services that only read state. */
export const READ_SERVICES: ReadonlySet<string> = new Set([
  "users",
  "channels",
  "history",
  "private_history",
]);

/** Handles one well-formed client request (see the module docs). */
export function handleClientRequest(
  request: Request<ClientService>,
  view: ChatView,
  make: RecordFactory,
): Handled {
  switch (request.service) {
    case "login":
      return login(request.data.user, view, make);
    case "users":
      return read({ service: "users", data: { users: view.users() } });
    case "channel":
      return createChannel(request.data, view, make);
    case "channels":
      return read({
        service: "channels",
        data: { channels: view.channels() },
      });
    case "publish":
      return publish(request.data, view, make);
    case "message":
      return privateMessage(request.data, view, make);
    case "history":
      return history(request.data, view);
    case "private_history":
      return privateHistory(request.data, view);
    case "subscribe":
      return subscribe(request.data, view, make);
    default: {
      const never: never = request;
      throw new Error(`Unhandled service ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The publication a stored record causes on the proxy, as its two frames:
 * `publish` on topic `<channel>`, `message` on topic `<dst>`; other records
 * publish nothing on chat topics.
 */
export function chatPublication(
  record: ChatRecord,
): [Uint8Array, Uint8Array] | undefined {
  switch (record.op) {
    case "publish":
      return encodeChannelPublication(channelMessage(record));
    case "message":
      return encodePrivatePublication(privateMessageOf(record));
    default:
      return undefined;
  }
}

/** The channel message payload of a `publish` record. */
export function channelMessage(
  record: Extract<ChatRecord, { op: "publish" }>,
): ChannelMessage {
  return {
    id: recordId(record),
    user: record.data.user,
    channel: record.data.channel,
    message: record.data.message,
    timestamp: record.timestamp,
    clock: record.clock,
    server: record.origin,
  };
}

/** The private message payload of a `message` record. */
export function privateMessageOf(
  record: Extract<ChatRecord, { op: "message" }>,
): PrivateMessage {
  return {
    id: recordId(record),
    src: record.data.src,
    dst: record.data.dst,
    user: record.data.src,
    message: record.data.message,
    timestamp: record.timestamp,
    clock: record.clock,
    server: record.origin,
  };
}

function read(reply: Reply): Handled {
  return { reply, records: [] };
}

function login(user: string, view: ChatView, make: RecordFactory): Handled {
  const records: ChatRecord[] = [];
  if (!view.hasUser(user)) {
    if (view.hasChannel(user)) {
      return read(
        failureReply("login", `The name "${user}" is taken by a channel.`),
      );
    }
    records.push(make("user", { user }));
  }
  records.push(make("login", { user }));
  return { reply: { service: "login", data: { status: "sucesso" } }, records };
}

function createChannel(
  data: { channel: string; user?: string },
  view: ChatView,
  make: RecordFactory,
): Handled {
  const { channel, user } = data;
  if (view.hasChannel(channel)) {
    return read(
      failureReply("channel", `The channel "${channel}" already exists.`),
    );
  }
  if (view.hasUser(channel)) {
    return read(
      failureReply("channel", `The name "${channel}" is taken by a user.`),
    );
  }
  const record = make(
    "channel",
    user === undefined ? { channel } : { channel, user },
  );
  return {
    reply: { service: "channel", data: { status: "sucesso" } },
    records: [record],
  };
}

function publish(
  data: RecordData["publish"],
  view: ChatView,
  make: RecordFactory,
): Handled {
  const retried = retriedPost(
    "publish",
    data.user,
    data.request_id,
    data.channel,
    data.message,
    view,
  );
  if (retried) return retried;
  if (!view.hasChannel(data.channel)) {
    return read(
      failureReply("publish", `The channel "${data.channel}" does not exist.`),
    );
  }
  if (!view.hasUser(data.user)) {
    return read(
      failureReply(
        "publish",
        `The user "${data.user}" does not exist (log in first).`,
      ),
    );
  }
  const record = make("publish", {
    user: data.user,
    channel: data.channel,
    message: data.message,
    ...(data.request_id === undefined ? {} : { request_id: data.request_id }),
  });
  return { reply: sent("publish", record), records: [record] };
}

function privateMessage(
  data: RecordData["message"],
  view: ChatView,
  make: RecordFactory,
): Handled {
  const retried = retriedPost(
    "message",
    data.src,
    data.request_id,
    data.dst,
    data.message,
    view,
  );
  if (retried) return retried;
  if (!view.hasUser(data.src)) {
    return read(
      failureReply(
        "message",
        `The user "${data.src}" does not exist (log in first).`,
      ),
    );
  }
  if (!view.hasUser(data.dst)) {
    return read(
      failureReply("message", `The user "${data.dst}" does not exist.`),
    );
  }
  const record = make("message", {
    src: data.src,
    dst: data.dst,
    message: data.message,
    ...(data.request_id === undefined ? {} : { request_id: data.request_id }),
  });
  return { reply: sent("message", record), records: [record] };
}

/**
 * A post whose author already sent one with this `request_id` (a client
 * retrying after a lost reply, maybe on another server once the first
 * reached it) is answered with the stored post's id, and not stored again.
 * The same key on a different post (another channel or recipient, or
 * other text: a client bug or a reused key) is refused, so an "OK" never
 * stands for a post that was not stored.
 */
function retriedPost(
  service: "publish" | "message",
  author: string,
  requestId: string | undefined,
  target: string,
  message: string,
  view: ChatView,
): Handled | undefined {
  if (requestId === undefined) return undefined;
  const held = view.requestPost(service, author, requestId);
  if (held === undefined) return undefined;
  if (held.target !== target || held.message !== message) {
    return read(failureReply(
      service,
      `The request_id "${requestId}" was already used by ${author} for another post (${held.id}); send a new request_id for a new post.`,
    ));
  }
  return read({ service, data: { status: "OK", id: held.id } } as Reply);
}

/** `{status: "OK", id}`: `id` is our extension. */
function sent(service: "publish" | "message", record: ChatRecord): Reply {
  return {
    service,
    data: { status: "OK", id: recordId(record) },
  } as Reply;
}

function history(
  data: { channel: string; limit: number; before?: string },
  view: ChatView,
): Handled {
  if (!view.hasChannel(data.channel)) {
    return read(
      failureReply("history", `The channel "${data.channel}" does not exist.`),
    );
  }
  try {
    const messages = view.channelHistory(data.channel, page(data));
    return read({ service: "history", data: { status: "sucesso", messages } });
  } catch (error) {
    if (isUnknownId(error)) {
      return read(failureReply("history", unknownBefore(data.before)));
    }
    throw error;
  }
}

function privateHistory(
  data: { user1: string; user2: string; limit: number; before?: string },
  view: ChatView,
): Handled {
  for (const user of [data.user1, data.user2]) {
    if (!view.hasUser(user)) {
      return read(
        failureReply("private_history", `The user "${user}" does not exist.`),
      );
    }
  }
  try {
    const messages = view.privateHistory(data.user1, data.user2, page(data));
    return read({
      service: "private_history",
      data: { status: "sucesso", messages },
    });
  } catch (error) {
    if (isUnknownId(error)) {
      return read(failureReply("private_history", unknownBefore(data.before)));
    }
    throw error;
  }
}

function subscribe(
  data: { user: string; channel: string },
  view: ChatView,
  make: RecordFactory,
): Handled {
  if (!view.hasUser(data.user)) {
    return read(
      failureReply(
        "subscribe",
        `The user "${data.user}" does not exist (log in first).`,
      ),
    );
  }
  if (!view.hasChannel(data.channel)) {
    return read(
      failureReply(
        "subscribe",
        `The channel "${data.channel}" does not exist.`,
      ),
    );
  }
  const reply: Reply = { service: "subscribe", data: { status: "sucesso" } };
  // Following twice is following once: no second record.
  if (view.isSubscribed(data.user, data.channel)) return read(reply);
  return {
    reply,
    records: [make("subscribe", { user: data.user, channel: data.channel })],
  };
}

function page(data: { limit: number; before?: string }): PageOptions {
  return data.before === undefined
    ? { limit: data.limit }
    : { limit: data.limit, before: data.before };
}

function isUnknownId(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === "UNKNOWN_ID";
}

function unknownBefore(before: string | undefined): string {
  return `No message has the id "${before ?? ""}" given in "before".`;
}
