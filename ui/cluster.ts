/**
 * The contract between the web app and the agora cluster.
 *
 * `createApp` (see `app.ts`) depends only on these types, never on ZeroMQ:
 * `fake_cluster.ts` implements them in memory for tests and the dev server,
 * and `main.ts` implements them over the shared client library (failover
 * across servers, Lamport clock, exact topic matching).
 *
 * Conventions every implementation follows:
 * - A failed operation rejects with a {@linkcode ClusterError} (see
 *   `cluster_error.ts`): code `"rejected"` when a server refused the request
 *   (its `description` becomes the error message, shown to the person), code
 *   `"unavailable"` when no server answered in time.
 * - `timestamp` fields are seconds since the Unix epoch (float), as on the
 *   wire; `clock` fields are Lamport clock values as stamped at the origin.
 * - Callbacks (`onMessage`, `onEvent`, `onResult`) must not throw and are
 *   called at most once per delivered item; an implementation never calls a
 *   callback after the {@linkcode Subscription} that owns it was closed.
 *
 * @module
 */

// The chat payloads are the protocol's own: one definition for the wire,
// the storage, the client library and the browser bridge.
import type { ChannelMessage, PrivateMessage } from "@agora/shared/protocol";
export type { ChannelMessage, PrivateMessage };
// Test results are the acceptance suite's own, streamed as it reports them.
import type { TestResult, TestSummary } from "@agora/scripts/acceptance";
export type { TestResult, TestSummary };

/** Which page of history to read (protocol `history` / `private_history`). */
export interface HistoryPage {
  /** Most messages to return: 1–1000; the implementation's default is 100. */
  limit?: number;
  /**
   * Return only messages strictly older, in cluster order
   * `(clock, server, seq)`, than the message with this id.
   */
  before?: string;
}

/** A live feed; closing it stops deliveries to its callback at once. */
export interface Subscription {
  /** Stops the feed. Idempotent; never throws. */
  close(): void;
}

/**
 * Chat operations on behalf of one logged-in user (one browser session).
 *
 * Every operation acts as {@linkcode ChatSession.user}: the app never passes
 * another user's name as the author or as the owner of a private feed.
 */
export interface ChatSession {
  /** The name this session logged in with. */
  readonly user: string;

  /** Every user the cluster knows (protocol `users`). */
  users(): Promise<string[]>;

  /** Every channel the cluster knows (protocol `channels`). */
  channels(): Promise<string[]>;

  /**
   * Creates a channel (protocol `channel`, with `user` set to the session
   * user). Rejects with code `"rejected"` for an invalid or taken name.
   */
  createChannel(channel: string): Promise<void>;

  /**
   * Follows `channel` (protocol `subscribe`, recorded in the cluster) and
   * delivers every message published on exactly that topic from now on,
   * including the session user's own. Resolves once deliveries are live;
   * rejects with code `"rejected"` for an unknown channel.
   */
  subscribe(
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Promise<Subscription>;

  /**
   * Delivers every private message published on the session user's own
   * topic (messages whose `dst` is the session user) from now on. It never
   * delivers a message whose `dst` is someone else.
   */
  subscribePrivate(
    onMessage: (message: PrivateMessage) => void,
  ): Promise<Subscription>;

  /**
   * Publishes `message` in `channel` as the session user (protocol
   * `publish`). Resolves once the cluster stored it; the message itself
   * arrives through {@linkcode ChatSession.subscribe}.
   */
  publish(channel: string, message: string): Promise<void>;

  /**
   * Sends a private message from the session user to `dst` (protocol
   * `message`) and resolves with the message as the cluster stored it (id,
   * clock, server). The sender's copy is not delivered through
   * {@linkcode ChatSession.subscribePrivate} (that feed is the recipient's
   * topic), so the app shows the sender this returned value. An
   * implementation whose servers do not return the stored message looks it
   * up with `private_history`.
   */
  sendPrivate(dst: string, message: string): Promise<PrivateMessage>;

  /** A page of `channel`'s messages, oldest first (protocol `history`). */
  history(channel: string, page?: HistoryPage): Promise<ChannelMessage[]>;

  /**
   * A page of the private conversation between the session user and
   * `peer`, both directions, oldest first (protocol `private_history` with
   * `user1` = session user, `user2` = `peer`).
   */
  privateHistory(peer: string, page?: HistoryPage): Promise<PrivateMessage[]>;

  /**
   * Ends the session: closes every subscription it opened and releases its
   * resources. Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/** One entry of the reference's `list` (servers with a current heartbeat). */
export interface ReferenceEntry {
  /** Server name. */
  name: string;
  /** Rank given by the reference (lowest rank = highest priority). */
  rank: number;
  /** REP endpoint of the server, when the server registered one. */
  address: string | null;
}

/** Stored state counts one server reports. */
export interface ServerCounts {
  /** Users known. */
  users: number;
  /** Channels known. */
  channels: number;
  /** Channel messages stored. */
  messages: number;
  /** Private messages stored. */
  privateMessages: number;
}

/** Replication state of one server. */
export interface ServerReplication {
  /** Origin server name → highest contiguous record sequence held. */
  vector: Record<string, number>;
  /**
   * Records this server lacks compared with the most advanced live server,
   * summed over origins (see `replication_lag.ts`); 0 means in sync.
   */
  lagRecords: number;
}

/** What the dashboard shows about one server. */
export interface ServerStatus {
  /** Server name. */
  name: string;
  /** Rank from the reference. */
  rank: number;
  /** REP endpoint, when known. */
  address: string | null;
  /** Whether it answered its `status` request in this poll. */
  alive: boolean;
  /** Whether it is in the reference's list (heartbeat current). */
  listed: boolean;
  /** Whether it is the coordinator the cluster last elected. */
  coordinator: boolean;
  /**
   * How far the server's physical clock, Berkeley adjustments applied, is
   * ahead (+) or behind (−) the UI server's clock, in milliseconds: its
   * `clock` reply's `time` minus the local time at the middle of the round
   * trip. `null` when it did not answer.
   */
  clockOffsetMs: number | null;
  /** Its Lamport clock; `null` when it did not answer. */
  lamportClock: number | null;
  /** Stored counts; `null` when it did not answer. */
  counts: ServerCounts | null;
  /** Replication state; `null` when it did not answer. */
  replication: ServerReplication | null;
}

/** A snapshot of the whole cluster for the dashboard. */
export interface ClusterStatus {
  /** Seconds since the epoch when the snapshot was taken. */
  timestamp: number;
  /** Whether the reference answered `list`. */
  referenceAlive: boolean;
  /** The reference's `list` as returned (empty when it did not answer). */
  reference: ReferenceEntry[];
  /** Name of the coordinator last elected, `null` when none is known. */
  coordinator: string | null;
  /**
   * Every server known in this cluster's life (listed now or seen before),
   * by rank ascending, so a stopped server stays visible as not alive.
   */
  servers: ServerStatus[];
}

/**
 * Something that happened in the cluster, delivered once when noticed.
 * `timestamp` is when it happened (not when it was noticed), as well as the
 * implementation can tell, on one clock for every event, so that sorting
 * by it gives the order things happened in.
 */
export type ClusterEvent =
  | {
    /** A new coordinator won an election (announced, or in its own records). */
    type: "election";
    /** The new coordinator. */
    coordinator: string;
    /** Seconds since the epoch: when it became coordinator. */
    timestamp: number;
    /** Lamport clock of the coordinator's record or announcement. */
    clock: number;
  }
  | {
    /** A Berkeley round adjusted the servers' physical clocks. */
    type: "berkeley";
    /** Coordinator that ran the round. */
    coordinator: string;
    /** Server name → adjustment applied in this round, milliseconds. */
    adjustmentsMs: Record<string, number>;
    /** Seconds since the epoch. */
    timestamp: number;
  }
  | {
    /** A server fetched records it was missing from a peer. */
    type: "catch_up";
    /** Server that caught up. */
    server: string;
    /** Peer it fetched from, when known. */
    from: string | null;
    /** Records fetched. */
    records: number;
    /** Seconds since the epoch. */
    timestamp: number;
  }
  | {
    /** A server (re)appeared in the reference's list. */
    type: "server_up";
    /** Server name. */
    server: string;
    /** Seconds since the epoch. */
    timestamp: number;
  }
  | {
    /** A server left the reference's list or stopped answering. */
    type: "server_down";
    /** Server name. */
    server: string;
    /** Seconds since the epoch. */
    timestamp: number;
  };

/**
 * The agora cluster as the web app sees it.
 *
 * One instance serves every browser; it is created once by `main.ts` (or the
 * dev server) and passed to `createApp`.
 */
export interface Cluster {
  /**
   * Logs `user` in (protocol `login`: creates the user on first login and
   * records the login) and returns a session acting as that user. Rejects
   * with code `"rejected"` for an invalid name.
   */
  login(user: string): Promise<ChatSession>;

  /**
   * A fresh snapshot: the reference's `list` and every known server's
   * `status`. Never rejects because a server is down (that server is
   * reported with `alive: false`); rejects with code `"unavailable"` only
   * when nothing at all can be reached.
   */
  status(): Promise<ClusterStatus>;

  /**
   * Delivers cluster events (elections, Berkeley rounds, catch-ups, servers
   * going up or down) as they are noticed, each once, until the
   * subscription is closed. Events noticed while nobody listens are not
   * replayed: a caller that must know them listens all the time (the web
   * app's dashboard hub does).
   */
  events(onEvent: (event: ClusterEvent) => void): Subscription;

  /**
   * Runs the acceptance suite against the live cluster (in-process; no
   * docker socket, no shell), calling `onResult` as each test finishes, and
   * resolves with the summary. Aborting `signal` stops the run between
   * tests and rejects with the signal's reason. The caller runs at most one
   * suite at a time.
   */
  runTests(
    onResult: (result: TestResult) => void,
    signal?: AbortSignal,
  ): Promise<TestSummary>;
}
