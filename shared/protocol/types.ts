/**
 * The typed shape of every request, reply and publication on the wire
 * (see `docs/protocol.md` and `docs/architecture.md`).
 *
 * Requests and replies keep the wire shape `{ service, data }`, so a
 * `switch (request.service)` narrows `request.data` too.
 *
 * @module
 */

import type { ChatRecord, RecordData } from "../record.ts";

/** The sender's stamp, put in every `data` map a process sends. */
export interface Stamp {
  /** Physical time when sent, seconds since the Unix epoch (float). */
  timestamp: number;
  /** The sender's Lamport clock after its tick for this send. */
  clock: number;
}

/**
 * The stamp as received. Both fields are optional because course clients
 * sometimes omit them; when present they have been validated (`timestamp`
 * a finite number ≥ 0, `clock` a safe integer ≥ 0).
 */
export interface ReceivedStamp {
  /** Sender's physical time, seconds since the Unix epoch. */
  timestamp?: number;
  /** Sender's Lamport clock. */
  clock?: number;
}

/** Services a client calls on a server. */
export type ClientService =
  | "login"
  | "users"
  | "channel"
  | "channels"
  | "publish"
  | "message"
  | "history"
  | "private_history"
  | "subscribe";

/** Services a server calls on another server. */
export type PeerService =
  | "clock"
  | "election"
  | "clock_adjust"
  | "sync"
  | "sync_state"
  | "status";

/** Everything a server's request socket answers. */
export type ServerService = ClientService | PeerService;

/** Services of the reference. */
export type ReferenceService = "rank" | "list" | "heartbeat";

/** Every request service. */
export type RequestService = ServerService | ReferenceService;

/** The client services, in protocol order. */
export const CLIENT_SERVICES: readonly ClientService[] = Object.freeze(
  [
    "login",
    "users",
    "channel",
    "channels",
    "publish",
    "message",
    "history",
    "private_history",
    "subscribe",
  ] as const,
);

/** The server-to-server services. */
export const PEER_SERVICES: readonly PeerService[] = Object.freeze(
  [
    "clock",
    "election",
    "clock_adjust",
    "sync",
    "sync_state",
    "status",
  ] as const,
);

/** The reference services. */
export const REFERENCE_SERVICES: readonly ReferenceService[] = Object.freeze(
  [
    "rank",
    "list",
    "heartbeat",
  ] as const,
);

/** Fields every server-to-server request may carry. */
export interface PeerAuth {
  /** HMAC proving the sender holds the cluster secret (hex string). */
  auth?: string;
}

/**
 * The `data` of each request, as a parser returns it (defaults applied),
 * without the stamp.
 */
export interface RequestDataMap {
  /** Log in, creating the user on first login. */
  login: { user: string };
  /** List users. */
  users: Record<never, never>;
  /** Create a channel. */
  channel: { channel: string; user?: string };
  /** List channels. */
  channels: Record<never, never>;
  /**
   * Post to a channel. `request_id` (extension): the client's key for this
   * post, the same on every retry; a server that holds a post with this
   * user and key answers with that post instead of storing it again.
   */
  publish: RecordData["publish"];
  /** Send a private message (`request_id` as for `publish`). */
  message: RecordData["message"];
  /** A page of a channel's messages; `before` is a message id. */
  history: { channel: string; limit: number; before?: string };
  /** A page of the messages between two users, both directions. */
  private_history: {
    user1: string;
    user2: string;
    limit: number;
    before?: string;
  };
  /** Follow a channel. */
  subscribe: { user: string; channel: string };
  /** Read the server's physical clock (Berkeley). */
  clock: PeerAuth;
  /** Bully election; `rank` and `name` are ours, course servers omit them. */
  election: PeerAuth & { rank?: number; name?: string };
  /**
   * Add `adjust` seconds to the server's clock offset (Berkeley). `round`
   * and `name` (the sending coordinator) are ours: they let a follower drop a
   * repeated adjustment or one from a server it does not follow.
   */
  clock_adjust: PeerAuth & { adjust: number; round?: number; name?: string };
  /** Records of `origin` with sequence number above `after`. */
  sync: PeerAuth & { origin: string; after: number; limit: number };
  /** The server's replication vector. */
  sync_state: PeerAuth;
  /** The server's status, for operators and tests. */
  status: PeerAuth;
  /** Ask the reference for a rank; `user` is the server's name. */
  rank: { user: string; address?: string; peer_address?: string };
  /** The servers whose heartbeat is current. */
  list: Record<never, never>;
  /**
   * A server is alive; `address` and `peer_address` (its CURVE peer
   * socket) are our extensions (re-registration).
   */
  heartbeat: { user: string; address?: string; peer_address?: string };
}

/** A request of service `S`, as parsed (distributes over unions of `S`). */
export type Request<S extends RequestService = RequestService> = S extends
  RequestService ? { service: S; data: RequestDataMap[S] & ReceivedStamp }
  : never;

/** Anything a server's request socket accepts. */
export type ServerRequest = Request<ServerService>;

/** Anything the reference accepts. */
export type ReferenceRequest = Request<ReferenceService>;

/** What a sender passes to build a request's `data`: limits are optional. */
export type RequestInput<S extends RequestService> = S extends
  "history" | "private_history" | "sync"
  ? Omit<RequestDataMap[S], "limit"> & { limit?: number }
  : RequestDataMap[S];

/** Outcome of a state-changing client request. */
export type Outcome =
  | { status: "sucesso" }
  | { status: "erro"; description: string };

/**
 * Outcome of `publish` / `message`: on error the reason is in `message` and
 * in `description`, because clients of both conventions exist.
 */
export type PublishOutcome =
  | { status: "OK" }
  | { status: "erro"; message: string; description: string };

/** A channel message: the payload published on topic `<channel>`. */
export interface ChannelMessage {
  /** Globally unique id, `${server}:${seq}`. */
  id: string;
  /** Author. */
  user: string;
  /** Channel (also the topic). */
  channel: string;
  /** Text. */
  message: string;
  /** Origin server's physical time at acceptance, seconds. */
  timestamp: number;
  /** Origin server's Lamport clock at acceptance. */
  clock: number;
  /** Origin server's name. */
  server: string;
}

/** A private message: the payload published on topic `<dst>`. */
export interface PrivateMessage {
  /** Globally unique id, `${server}:${seq}`. */
  id: string;
  /** Sender. */
  src: string;
  /** Recipient (also the topic). */
  dst: string;
  /** Same as `src`, for clients that read `user`. */
  user: string;
  /** Text. */
  message: string;
  /** Origin server's physical time at acceptance, seconds. */
  timestamp: number;
  /** Origin server's Lamport clock at acceptance. */
  clock: number;
  /** Origin server's name. */
  server: string;
}

/** One entry of the reference's `list`. */
export interface ServerEntry {
  /** Server name. */
  name: string;
  /** Its rank (lowest rank = highest election priority). */
  rank: number;
  /** Endpoint of its request socket (extension). */
  address?: string;
  /** Endpoint of its CURVE peer socket, when it has one (extension). */
  peer_address?: string;
}

/** The `status` reply of a server. */
export interface ServerStatus {
  /** Server name. */
  name: string;
  /** Its rank, or null before the reference gave one. */
  rank: number | null;
  /** Name of the coordinator it believes in, or null during an election. */
  coordinator: string | null;
  /** Berkeley offset it applies to its physical clock, seconds. */
  offset: number;
  /** Sizes of its stored state, e.g. `{ users: 3, messages: 120 }`. */
  counts: Record<string, number>;
  /** Replication vector: origin → highest contiguous sequence held. */
  vector: Record<string, number>;
  /** MAC over `name`, `rank`, `coordinator` when the request was signed. */
  auth?: string;
}

/** The `data` of each reply, without the stamp. */
export interface ReplyDataMap {
  /** Reply to `login`. */
  login: Outcome;
  /** Reply to `users`. */
  users: { users: string[] };
  /** Reply to `channel`. */
  channel: Outcome;
  /** Reply to `channels`. */
  channels: { channels: string[] };
  /** Reply to `publish`. */
  publish: PublishOutcome;
  /** Reply to `message`. */
  message: PublishOutcome;
  /** Reply to `history`: oldest first. */
  history:
    | { status: "sucesso"; messages: ChannelMessage[] }
    | { status: "erro"; description: string };
  /** Reply to `private_history`: both directions, oldest first. */
  private_history:
    | { status: "sucesso"; messages: PrivateMessage[] }
    | { status: "erro"; description: string };
  /** Reply to `subscribe`. */
  subscribe: Outcome;
  /**
   * Reply to `clock`: the physical clock reading, seconds; `auth` when the
   * request was signed (see `server/peer_auth.ts`), as for `election`,
   * `status`, `sync` and `sync_state`.
   */
  clock: { time: number; auth?: string };
  /** Reply to `election`. */
  election: { election: "OK"; auth?: string };
  /** Reply to `clock_adjust`: the offset now applied, seconds. */
  clock_adjust:
    | { status: "OK"; offset: number }
    | { status: "erro"; description: string };
  /**
   * Reply to `sync`: records in sequence order, and the origin's max held;
   * `auth` binds them to the signed request (see `server/peer_auth.ts`).
   */
  sync: { records: ChatRecord[]; last: number; auth?: string };
  /** Reply to `sync_state`, with `auth` as for `sync`. */
  sync_state: { vector: Record<string, number>; auth?: string };
  /** Reply to `status`. */
  status: ServerStatus;
  /** Reply to `rank`. */
  rank: { rank: number };
  /** Reply to `list`: always a list. */
  list: { list: ServerEntry[] };
  /** Reply to `heartbeat`; `status` is our extension (course: absent). */
  heartbeat: { status?: "OK" };
  /**
   * Reply to an unknown service or a malformed request. `message` repeats
   * `description` when the request was a `publish` or `message`.
   */
  error: { status: "erro"; description: string; message?: string };
}

/** Every reply service: each request service, plus `error`. */
export type ReplyService = keyof ReplyDataMap;

/** A reply before stamping (distributes over unions of `S`). */
export type Reply<S extends ReplyService = ReplyService> = S extends
  ReplyService ? { service: S; data: ReplyDataMap[S] } : never;

/** A reply as sent: `data` carries the stamp. */
export type StampedReply<S extends ReplyService = ReplyService> = S extends
  ReplyService ? { service: S; data: ReplyDataMap[S] & Stamp } : never;

/** A reply as received: the stamp may be missing. */
export type ReceivedReply<S extends ReplyService = ReplyService> = S extends
  ReplyService ? { service: S; data: ReplyDataMap[S] & ReceivedStamp }
  : never;

/** Publication kinds, by topic. */
export type Publication =
  | {
    /** On topic `<channel>`. */
    kind: "channel";
    topic: string;
    message: ChannelMessage;
  }
  | {
    /** On topic `<dst>`. */
    kind: "private";
    topic: string;
    message: PrivateMessage;
  }
  | {
    /** On topic `servers`: `{ service: "election", data: { coordinator } }`. */
    kind: "election";
    topic: "servers";
    coordinator: string;
    /** The coordinator's rank (extension; course servers omit it). */
    rank?: number;
    /** HMAC over the announcement (extension; see docs/architecture.md). */
    auth?: string;
    timestamp?: number;
    clock?: number;
  }
  | {
    /** On topic `replication`: `{ service: "replicate", data: { records, auth } }`. */
    kind: "replication";
    topic: "replication";
    records: ChatRecord[];
    auth?: string;
    timestamp?: number;
    clock?: number;
  };
