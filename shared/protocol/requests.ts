/**
 * Request parsing (per role) and request building.
 *
 * @module
 */

import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";
import { FieldReader, printable, withRequestId } from "./fields.ts";
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  MAX_REQUEST_BYTES,
  SYNC_LIMIT_DEFAULT,
  SYNC_LIMIT_MAX,
} from "./limits.ts";
import { errorReply } from "./replies.ts";
import {
  CLIENT_SERVICES,
  PEER_SERVICES,
  type PeerAuth,
  REFERENCE_SERVICES,
  type ReferenceRequest,
  type Reply,
  type Request,
  type RequestDataMap,
  type RequestInput,
  type RequestService,
  type ServerRequest,
  type Stamp,
} from "./types.ts";

/**
 * Why a request was refused, with the reply to send (stamp it with
 * `encodeReply`). The request changed nothing and must not.
 */
export interface RequestFailure {
  /** Discriminant. */
  ok: false;
  /** The request's `service`, when the frame was readable that far. */
  service?: string;
  /**
   * The request's Lamport clock, when it was readable and valid: the
   * receiver should still merge it (`LamportClock.receive`).
   */
  clock?: number;
  /** Why, as a sentence. */
  description: string;
  /** The `error` reply to send back, unstamped. */
  reply: Reply<"error">;
}

/** The result of parsing a request for role `R`. */
export type RequestResult<R> = { ok: true; request: R } | RequestFailure;

const SERVER_SERVICES: ReadonlySet<string> = new Set<string>([
  ...CLIENT_SERVICES,
  ...PEER_SERVICES,
]);
const REFERENCE_SET: ReadonlySet<string> = new Set<string>(REFERENCE_SERVICES);

/**
 * Parses a frame received on a server's request socket: any client or
 * server-to-server service. Never throws.
 *
 * Missing `timestamp` / `clock` are tolerated (course clients omit them
 * sometimes) and left out of `data`; present ones must be valid. Unknown
 * extra fields are ignored.
 *
 * @param frame the request frame
 * @param maxBytes frames larger than this are refused undecoded
 *
 * @example
 * ```ts
 * import { encodeReply, encodeRequest, parseServerRequest } from "@agora/shared/protocol";
 * const frame = encodeRequest("login", { user: "ana" }, { timestamp: 1.5, clock: 6 });
 * const parsed = parseServerRequest(frame);
 * if (!parsed.ok) {
 *   encodeReply(parsed.reply, { timestamp: Date.now() / 1000, clock: 7 });
 * } else if (parsed.request.service === "login") {
 *   parsed.request.data.user; // string, a valid name
 * }
 * ```
 */
export function parseServerRequest(
  frame: unknown,
  maxBytes: number = MAX_REQUEST_BYTES,
): RequestResult<ServerRequest> {
  return _parse(frame, maxBytes, SERVER_SERVICES) as RequestResult<
    ServerRequest
  >;
}

/**
 * Parses a frame received on the reference's socket (`rank`, `list`,
 * `heartbeat`). Never throws. Same stamp rules as
 * {@link parseServerRequest}.
 */
export function parseReferenceRequest(
  frame: unknown,
  maxBytes: number = MAX_REQUEST_BYTES,
): RequestResult<ReferenceRequest> {
  return _parse(frame, maxBytes, REFERENCE_SET) as RequestResult<
    ReferenceRequest
  >;
}

/**
 * Encodes a request frame, stamping `data` with `stamp`.
 *
 * @example
 * ```ts
 * import { encodeRequest } from "@agora/shared/protocol";
 * const frame = encodeRequest("publish",
 *   { user: "ana", channel: "geral", message: "oi" },
 *   { timestamp: Date.now() / 1000, clock: 4 });
 * ```
 */
export function encodeRequest<S extends RequestService>(
  service: S,
  data: RequestInput<S>,
  stamp: Stamp,
): Uint8Array {
  return encodeEnvelope({
    service,
    data: { ...data, timestamp: stamp.timestamp, clock: stamp.clock },
  });
}

function _parse(
  frame: unknown,
  maxBytes: number,
  accepted: ReadonlySet<string>,
): RequestResult<Request> {
  const envelope = decodeEnvelope(frame, maxBytes);
  if (!envelope.ok) return _failure(envelope.description);
  const { service, data } = envelope.value;
  const r = new FieldReader(data);
  const timestamp = r.timestamp();
  const clock = r.clock();
  if (!accepted.has(service)) {
    return _failure(`Unknown service "${printable(service)}".`, service, clock);
  }
  const fields = _readData(service as RequestService, r) as
    & RequestDataMap[RequestService]
    & { timestamp?: number; clock?: number };
  if (r.error !== undefined) return _failure(r.error, service, clock);
  if (timestamp !== undefined) fields.timestamp = timestamp;
  if (clock !== undefined) fields.clock = clock;
  return {
    ok: true,
    request: { service, data: fields } as Request,
  };
}

function _readData(
  service: RequestService,
  r: FieldReader,
): RequestDataMap[RequestService] {
  switch (service) {
    case "login":
      return { user: r.newName("user") };
    case "users":
    case "channels":
    case "list":
      return {};
    case "channel": {
      const channel = r.newName("channel");
      const user = r.optionalName("user");
      return user === undefined ? { channel } : { channel, user };
    }
    case "publish":
      return withRequestId({
        user: r.name("user"),
        channel: r.name("channel"),
        message: r.text("message"),
      }, r);
    case "message":
      return withRequestId({
        src: r.name("src"),
        dst: r.name("dst"),
        message: r.text("message"),
      }, r);
    case "history":
      return _page(
        { channel: r.name("channel") },
        r.limit("limit", HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX),
        r.optionalMessageId("before"),
      );
    case "private_history":
      return _page(
        { user1: r.name("user1"), user2: r.name("user2") },
        r.limit("limit", HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX),
        r.optionalMessageId("before"),
      );
    case "subscribe":
      return { user: r.name("user"), channel: r.name("channel") };
    case "clock":
    case "sync_state":
    case "status":
      return _auth({}, r);
    case "election": {
      const fields: RequestDataMap["election"] = {};
      const rank = r.optionalInteger("rank", 0);
      const name = r.optionalName("name");
      if (rank !== undefined) fields.rank = rank;
      if (name !== undefined) fields.name = name;
      return _auth(fields, r);
    }
    case "clock_adjust": {
      const fields: RequestDataMap["clock_adjust"] = {
        adjust: r.number("adjust"),
      };
      const round = r.optionalInteger("round", 0);
      const name = r.optionalName("name");
      if (round !== undefined) fields.round = round;
      if (name !== undefined) fields.name = name;
      return _auth(fields, r);
    }
    case "sync":
      return _auth({
        origin: r.name("origin"),
        after: r.integer("after", 0),
        limit: r.limit("limit", SYNC_LIMIT_DEFAULT, SYNC_LIMIT_MAX),
      }, r);
    case "rank":
    case "heartbeat": {
      const user = r.name("user");
      const fields: RequestDataMap["rank"] = { user };
      const address = r.optionalToken("address");
      const peerAddress = r.optionalToken("peer_address");
      if (address !== undefined) fields.address = address;
      if (peerAddress !== undefined) fields.peer_address = peerAddress;
      return fields;
    }
    default: {
      const unreachable: never = service;
      throw new Error(`Unhandled service "${unreachable}".`);
    }
  }
}

function _page<T extends object>(
  fields: T,
  limit: number,
  before: string | undefined,
): T & { limit: number; before?: string } {
  return before === undefined
    ? { ...fields, limit }
    : { ...fields, limit, before };
}

function _auth<T extends object>(fields: T, r: FieldReader): T & PeerAuth {
  const out: T & PeerAuth = fields;
  const auth = r.optionalToken("auth");
  if (auth !== undefined) out.auth = auth;
  return out;
}

function _failure(
  description: string,
  service?: string,
  clock?: number,
): RequestFailure {
  const failure: RequestFailure = {
    ok: false,
    description,
    reply: errorReply(description, service),
  };
  if (service !== undefined) failure.service = service;
  if (clock !== undefined) failure.clock = clock;
  return failure;
}
