/**
 * Shapes the store returns and accepts.
 *
 * @module
 */

// The store returns the protocol's own payloads: one definition of each.
export type { ChannelMessage, PrivateMessage } from "@agora/shared/protocol";

/** Paging for history reads. */
export interface HistoryOptions {
  /** Most messages to return: default 100, clamped to 1..1000. */
  limit?: number;
  /** Only messages strictly before this message id in `(clock, server, seq)`. */
  before?: string;
}

/** Extra state written in the same transaction as a batch. */
export interface AppendOptions {
  /** The server's Lamport clock; the stored value never decreases. */
  clock?: number;
  /** Key/value metadata to set (see `Store.setMeta` for limits). */
  meta?: Readonly<Record<string, string>>;
  /**
   * `false`: commit without waiting for the disk (SQLite `synchronous =
   * NORMAL` for this transaction). The batch survives a crash of the
   * process, and the next durable commit (or checkpoint) makes it survive a
   * power loss too; a power loss before that loses it, never the store's
   * consistency. For records other servers hold durably (replication),
   * which catch-up fetches again if they are lost. Default `true`: the
   * transaction is on disk when `append` returns.
   */
  durable?: boolean;
}

/** A post found by its client key (`Store.requestPost`). */
export interface KeyedPost {
  /** Its id, `origin:seq`. */
  id: string;
  /** Its channel (`publish`) or recipient (`message`). */
  target: string;
  /** Its text. */
  message: string;
}

/** How much the store holds. */
export interface StoreCounts {
  /** Distinct user names. */
  users: number;
  /** Distinct channel names. */
  channels: number;
  /** Channel messages. */
  messages: number;
  /** Private messages. */
  privateMessages: number;
  /** Login events. */
  logins: number;
  /** Distinct (user, channel) subscriptions. */
  subscriptions: number;
  /** Records in the log (every kind). */
  records: number;
}

/** Where a name (user or channel) was first created, cluster-wide. */
export interface CreationInfo {
  /** The name. */
  name: string;
  /** Origin's Lamport clock of the earliest creation record. */
  clock: number;
  /** Origin's physical time of that record, seconds. */
  timestamp: number;
  /** Server that accepted that record. */
  origin: string;
  /** Its sequence number at that origin. */
  seq: number;
}

/** A channel's creation, with who created it when known. */
export interface ChannelInfo extends CreationInfo {
  /** User who created the channel, if the request named one. */
  creator?: string;
}
