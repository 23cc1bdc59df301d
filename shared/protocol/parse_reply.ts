/**
 * Reply parsing, for the side that sent the request (clients, bot, UI, and
 * servers calling each other or the reference).
 *
 * @module
 */

import type { ChatRecord } from "../record.ts";
import type { Decoded } from "./envelope.ts";
import { decodeEnvelope, isWireMap } from "./envelope.ts";
import { FieldReader, printable } from "./fields.ts";
import { MAX_FRAME_BYTES } from "./limits.ts";
import { parseChannelMessage, parsePrivateMessage } from "./messages.ts";
import { parseChatRecord } from "./records.ts";
import type {
  ChannelMessage,
  PrivateMessage,
  ReceivedReply,
  ReplyDataMap,
  ReplyService,
  ServerEntry,
} from "./types.ts";

/** Replies that may carry an `auth` MAC (server-to-server services). */
const SIGNED_REPLIES: ReadonlySet<string> = new Set([
  "clock",
  "election",
  "status",
  "sync",
  "sync_state",
]);

/**
 * Parses the reply to a request of service `expected`. The reply is either
 * that service's reply or an `error` reply (both are `ok: true`: the peer
 * answered). `ok: false` means the frame is not a valid reply. Never throws.
 *
 * @param frame the reply frame
 * @param expected the service of the request that was sent
 * @param maxBytes frames larger than this are refused undecoded
 *
 * @example
 * ```ts
 * import { encodeReply, parseReply } from "@agora/shared/protocol";
 * const frame = encodeReply({ service: "users", data: { users: ["ana"] } },
 *   { timestamp: 1764190000.5, clock: 3 });
 * const parsed = parseReply(frame, "users");
 * if (parsed.ok && parsed.value.service === "users") {
 *   parsed.value.data.users; // ["ana"]
 * }
 * ```
 */
export function parseReply<S extends ReplyService>(
  frame: unknown,
  expected: S,
  maxBytes: number = MAX_FRAME_BYTES,
): Decoded<ReceivedReply<S> | ReceivedReply<"error">> {
  const envelope = decodeEnvelope(frame, maxBytes);
  if (!envelope.ok) return envelope;
  const { service, data } = envelope.value;
  if (service !== expected && service !== "error") {
    return {
      ok: false,
      description: `Expected a "${expected}" reply, got "${
        printable(service)
      }".`,
    };
  }
  const r = new FieldReader(data);
  const timestamp = r.timestamp();
  const clock = r.clock();
  // A server-to-server reply's MAC (see server/peer_auth.ts), kept for the
  // requester to check.
  const auth = SIGNED_REPLIES.has(service)
    ? r.optionalToken("auth")
    : undefined;
  const fields = _readReply(service as ReplyService, r) as
    & ReplyDataMap[ReplyService]
    & { timestamp?: number; clock?: number; auth?: string };
  if (r.error !== undefined) {
    return { ok: false, description: `Invalid "${service}" reply: ${r.error}` };
  }
  if (timestamp !== undefined) fields.timestamp = timestamp;
  if (clock !== undefined) fields.clock = clock;
  if (auth !== undefined) fields.auth = auth;
  return {
    ok: true,
    value: { service, data: fields } as
      | ReceivedReply<S>
      | ReceivedReply<"error">,
  };
}

/**
 * A server list as in the reference's `list` reply (e.g. one saved as
 * JSON): every entry is checked as `parseReply` checks them.
 */
export function parseServerList(value: unknown): Decoded<ServerEntry[]> {
  const r = new FieldReader({ list: value });
  const list = r.list("list", (item, index) => _serverEntry(r, item, index));
  return r.error === undefined
    ? { ok: true, value: list }
    : { ok: false, description: r.error };
}

function _readReply(
  service: ReplyService,
  r: FieldReader,
): ReplyDataMap[ReplyService] {
  switch (service) {
    case "login":
    case "channel":
    case "subscribe":
      return _outcome(r, "sucesso") as ReplyDataMap["login"];
    case "publish":
    case "message": {
      const status = _status(r, "OK");
      if (status === "OK") return { status };
      const description = _reason(r);
      return { status, message: description, description };
    }
    case "history":
    case "private_history": {
      const status = _status(r, "sucesso");
      if (status === "erro") return { status, description: _reason(r) };
      const read: (item: unknown) => Decoded<ChannelMessage | PrivateMessage> =
        service === "history" ? parseChannelMessage : parsePrivateMessage;
      return {
        status,
        messages: r.list(
          "messages",
          (item, index) => _element(r, "messages", index, read(item)),
        ),
      } as ReplyDataMap["history"];
    }
    case "users":
      return { users: r.stringList("users") };
    case "channels":
      return { channels: r.stringList("channels") };
    case "clock":
      return { time: r.number("time") };
    case "election": {
      if (r.get("election") !== "OK") {
        r.fail('The field "election" must be "OK".');
      }
      return { election: "OK" };
    }
    case "clock_adjust": {
      const status = _status(r, "OK");
      if (status === "erro") return { status, description: _reason(r) };
      return { status, offset: r.number("offset") };
    }
    case "sync":
      return {
        records: r.list(
          "records",
          (item, index) =>
            _element<ChatRecord>(r, "records", index, parseChatRecord(item)),
        ),
        last: r.integer("last", 0),
      };
    case "sync_state":
      return { vector: r.countMap("vector") };
    case "status": {
      const rank = r.get("rank") === undefined ? null : r.integer("rank", 0);
      const coordinator = r.get("coordinator") === undefined
        ? null
        : r.name("coordinator");
      return {
        name: r.name("name"),
        rank,
        coordinator,
        offset: r.number("offset"),
        counts: r.countMap("counts"),
        vector: r.countMap("vector"),
      };
    }
    case "rank":
      return { rank: r.integer("rank", 0) };
    case "list":
      return {
        list: r.list("list", (item, index) => _serverEntry(r, item, index)),
      };
    case "heartbeat": {
      const status = r.get("status");
      if (status === undefined) return {};
      if (status !== "OK") r.fail('The field "status" must be "OK".');
      return { status: "OK" };
    }
    case "error": {
      if (r.get("status") !== "erro") {
        r.fail('The field "status" must be "erro".');
      }
      const description = _reason(r);
      const message = r.get("message");
      return typeof message === "string"
        ? { status: "erro", description, message }
        : { status: "erro", description };
    }
    default: {
      const unreachable: never = service;
      throw new Error(`Unhandled service "${unreachable}".`);
    }
  }
}

function _status<T extends string>(r: FieldReader, success: T): T | "erro" {
  const status = r.get("status");
  if (status === success || status === "erro") return status as T | "erro";
  r.fail(`The field "status" must be "${success}" or "erro".`);
  return "erro";
}

function _outcome(
  r: FieldReader,
  success: "sucesso",
): ReplyDataMap["login"] {
  const status = _status(r, success);
  return status === "erro" ? { status, description: _reason(r) } : { status };
}

// The reason of an error: `description`, else `message` (older servers put
// it there), else a generic sentence — an error reply is still an error.
function _reason(r: FieldReader): string {
  for (const key of ["description", "message"]) {
    const value = r.get(key);
    if (typeof value === "string" && value.length > 0) return value;
  }
  return "The server reported an error without a description.";
}

function _element<T>(
  r: FieldReader,
  key: string,
  index: number,
  parsed: Decoded<T>,
): T {
  if (parsed.ok) return parsed.value;
  r.fail(`Element ${index} of "${key}": ${parsed.description}`);
  return undefined as T;
}

function _serverEntry(
  r: FieldReader,
  item: unknown,
  index: number,
): ServerEntry {
  if (!isWireMap(item)) {
    r.fail(`Element ${index} of "list" must be a map.`);
    return { name: "", rank: 0 };
  }
  const e = new FieldReader(item);
  const entry: ServerEntry = {
    name: e.name("name"),
    rank: e.integer("rank", 0),
  };
  const address = e.optionalToken("address");
  if (address !== undefined) entry.address = address;
  const peerAddress = e.optionalToken("peer_address");
  if (peerAddress !== undefined) entry.peer_address = peerAddress;
  if (e.error !== undefined) r.fail(`Element ${index} of "list": ${e.error}`);
  return entry;
}
