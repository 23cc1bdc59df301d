/**
 * Replication records: every state change in agora is one record.
 *
 * A record is created once, on the server that accepted the client's
 * request (its origin), and copied verbatim to every other server. Its id is
 * `${origin}:${seq}`, where `seq` counts that origin's records from 1 without
 * gaps, so a replica can tell exactly what it is missing from each origin.
 *
 * @module
 */

/** The kinds of state change. */
export type RecordOp =
  | "user"
  | "login"
  | "channel"
  | "subscribe"
  | "publish"
  | "message";

/** Payload of each record kind. */
export interface RecordData {
  /** A user was created (first login). */
  user: { user: string };
  /** A user logged in (every login is kept). */
  login: { user: string };
  /** A channel was created (`user` is who created it, when known). */
  channel: { channel: string; user?: string };
  /** A user follows a channel. */
  subscribe: { user: string; channel: string };
  /**
   * A message was posted to a channel. `request_id`: the client's key for
   * this post (extension), the same on every retry, so a retried post is
   * stored once.
   */
  publish: {
    user: string;
    channel: string;
    message: string;
    request_id?: string;
  };
  /** A private message (`request_id` as for `publish`). */
  message: { src: string; dst: string; message: string; request_id?: string };
}

/** One replicated state change, tagged by `op`. */
export type ChatRecord = {
  [K in RecordOp]: {
    /** Name of the server that accepted the change. */
    origin: string;
    /** Origin's sequence number, 1, 2, 3… without gaps. */
    seq: number;
    /** Origin's Lamport clock when it accepted the change. */
    clock: number;
    /** Origin's physical time (seconds since the epoch) at acceptance. */
    timestamp: number;
    /** The kind of change. */
    op: K;
    /** What changed. */
    data: RecordData[K];
  };
}[RecordOp];

/** The globally unique id of a record (and of the message it carries). */
export function recordId(record: Pick<ChatRecord, "origin" | "seq">): string {
  return `${record.origin}:${record.seq}`;
}

/** A post: a channel message or a private message. */
export type PostRecord = Extract<ChatRecord, { op: "publish" | "message" }>;

/** Who sent a post: a `publish`'s user, a `message`'s src. */
export function postAuthor(record: PostRecord): string {
  return record.op === "publish" ? record.data.user : record.data.src;
}
