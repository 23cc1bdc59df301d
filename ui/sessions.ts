/**
 * Browser sessions: which cluster session a cookie stands for, the channels
 * it follows, and the bounded buffer of events waiting for its streams.
 *
 * Private messages reach a browser session only through this store, and
 * only when the session's user is the sender or the recipient: the store
 * checks that itself instead of trusting the cluster's topic filtering.
 *
 * @module
 */

import { once } from "./sse.ts";
import type {
  ChannelMessage,
  ChatSession,
  PrivateMessage,
  Subscription,
} from "./cluster.ts";
import { EventRing } from "./event_ring.ts";

/** An event streamed to one browser session. */
export type SessionEvent =
  | { type: "channel_message"; message: ChannelMessage }
  | { type: "private_message"; message: PrivateMessage };

/** Limits and injected capabilities of a {@linkcode SessionStore}. */
export interface SessionStoreOptions {
  /**
   * Most live sessions. A new one then ends the least recently seen idle
   * session (one without an open stream), or is refused when none is idle.
   */
  maxSessions: number;
  /** A session unseen for this long, with no open stream, is ended. */
  idleTimeoutMs: number;
  /** Most event streams one session may have open at once. */
  maxStreamsPerSession: number;
  /** Events buffered per session for its streams. */
  queueEvents: number;
  /** Most channels one session may follow. */
  maxChannels: number;
  /** Most private conversation partners remembered per session. */
  maxPeers: number;
  /** Current time, milliseconds since the epoch. */
  now: () => number;
  /** A fresh unguessable session token. */
  newToken: () => string;
}

/** One browser's session. */
export interface BrowserSession {
  /** Cookie value identifying it. */
  readonly token: string;
  /** The logged-in user. */
  readonly user: string;
  /** The cluster session acting as that user. */
  readonly chat: ChatSession;
  /** Events waiting for this session's streams. */
  readonly ring: EventRing<SessionEvent>;
  /** Followed channels and their live subscriptions. */
  readonly channels: Map<string, Subscription>;
  /** Users this session exchanged private messages with (insertion order). */
  readonly peers: Set<string>;
  /** When a request or stream last used it, milliseconds since the epoch. */
  lastSeenMs: number;
  /** The session user's private feed. */
  privateFeed: Subscription | null;
  /** Event streams open on it; while any is, the session is in use. */
  openStreams: number;
}

/** Why a login is refused when every session is in use. */
export const SESSIONS_FULL_MESSAGE =
  "The server has as many active sessions as it can hold; please try again later";

/**
 * Thrown by {@linkcode SessionStore.create} when the store is full and every
 * session has an open stream: a login never evicts someone listening.
 */
export class SessionsFullError extends Error {
  /** Creates the error with {@linkcode SESSIONS_FULL_MESSAGE}. */
  constructor() {
    super(SESSIONS_FULL_MESSAGE);
    this.name = "SessionsFullError";
  }
}

/**
 * Every live browser session, bounded in number and idle time.
 */
export class SessionStore {
  readonly #options: SessionStoreOptions;
  readonly #sessions = new Map<string, BrowserSession>();

  /** Creates an empty store. */
  constructor(options: SessionStoreOptions) {
    this.#options = options;
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Whether {@linkcode SessionStore.create} would now succeed: there is a
   * free place, or an idle session to end for one. Ends expired sessions.
   * Lets a login be refused before a cluster session is opened for it.
   */
  async hasRoom(): Promise<boolean> {
    await this.#sweep();
    return this.#sessions.size < this.#options.maxSessions ||
      this.#oldestIdle() !== undefined;
  }

  /**
   * Registers a logged-in cluster session and starts its private feed.
   * Ends expired sessions first, then, if full, the least recently seen
   * session without an open stream. When every session has an open stream
   * it closes `chat` and throws {@linkcode SessionsFullError}.
   */
  async create(chat: ChatSession): Promise<BrowserSession> {
    await this.#sweep();
    if (this.#sessions.size >= this.#options.maxSessions) {
      const oldest = this.#oldestIdle();
      if (oldest === undefined) {
        await chat.close();
        throw new SessionsFullError();
      }
      await this.destroy(oldest.token);
    }
    const session: BrowserSession = {
      token: this.#options.newToken(),
      user: chat.user,
      chat,
      ring: new EventRing(this.#options.queueEvents),
      channels: new Map(),
      peers: new Set(),
      lastSeenMs: this.#options.now(),
      privateFeed: null,
      openStreams: 0,
    };
    this.#sessions.set(session.token, session);
    try {
      session.privateFeed = await chat.subscribePrivate((message) =>
        this.#deliverPrivate(session, message)
      );
    } catch (error) {
      await this.destroy(session.token);
      throw error;
    }
    return session;
  }

  /** The live session for `token`, marking it seen; ends it if idle. */
  async get(token: string | undefined): Promise<BrowserSession | undefined> {
    if (token === undefined) return undefined;
    const session = this.#sessions.get(token);
    if (session === undefined) return undefined;
    const now = this.#options.now();
    if (this.#expired(session, now)) {
      await this.destroy(token);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  /** Marks `session` as in use now. */
  #touch(session: BrowserSession): void {
    session.lastSeenMs = this.#options.now();
  }

  /**
   * Counts a new event stream on `session`, which keeps it from being
   * evicted or expiring while open. Returns the function that ends the
   * count (idempotent; it marks the session seen), or null when the
   * session already has as many streams as it may.
   */
  openStream(session: BrowserSession): (() => void) | null {
    if (session.openStreams >= this.#options.maxStreamsPerSession) return null;
    session.openStreams++;
    this.#touch(session);
    return once(() => {
      session.openStreams--;
      this.#touch(session);
    });
  }

  /**
   * Follows `channel`: its messages are queued for the session's streams.
   * Idempotent. Throws a `RangeError` past the per-session channel limit.
   */
  async join(session: BrowserSession, channel: string): Promise<void> {
    if (session.channels.has(channel)) return;
    if (session.channels.size >= this.#options.maxChannels) {
      throw new RangeError(
        `A session can follow at most ${this.#options.maxChannels} channels`,
      );
    }
    const subscription = await session.chat.subscribe(channel, (message) => {
      // Topics match by prefix in ZeroMQ; only the exact channel belongs here.
      if (message.channel !== channel) return;
      session.ring.push({ type: "channel_message", message });
    });
    if (session.ring.closed || session.channels.has(channel)) {
      subscription.close(); // logged out, or joined twice concurrently
      return;
    }
    session.channels.set(channel, subscription);
  }

  /** Stops following `channel`. Idempotent. */
  leave(session: BrowserSession, channel: string): void {
    session.channels.get(channel)?.close();
    session.channels.delete(channel);
  }

  /**
   * Shows a private message the session's user just sent on every session
   * of that user (the cluster publishes it only on the recipient's topic).
   */
  recordSent(message: PrivateMessage): void {
    for (const session of this.#sessions.values()) {
      if (session.user !== message.src) continue;
      // A message to oneself also arrives through the private feed.
      if (message.dst === message.src) continue;
      this.#deliverPrivate(session, message);
    }
  }

  /** Ends a session: closes its feeds, its streams and its cluster session. */
  async destroy(token: string): Promise<void> {
    const session = this.#sessions.get(token);
    if (session === undefined) return;
    this.#sessions.delete(token);
    session.privateFeed?.close();
    for (const subscription of session.channels.values()) subscription.close();
    session.channels.clear();
    session.ring.close();
    await session.chat.close();
  }

  /** Ends every session (on shutdown). */
  async closeAll(): Promise<void> {
    for (const token of [...this.#sessions.keys()]) await this.destroy(token);
  }

  /** Remembers `peer` as a private conversation partner of `session`. */
  addPeer(session: BrowserSession, peer: string): void {
    if (session.peers.has(peer)) return;
    session.peers.add(peer);
    if (session.peers.size > this.#options.maxPeers) {
      const oldest = session.peers.values().next().value;
      if (oldest !== undefined) session.peers.delete(oldest);
    }
  }

  #deliverPrivate(session: BrowserSession, message: PrivateMessage): void {
    const own = message.dst === session.user || message.src === session.user;
    if (!own) return; // never someone else's conversation, whatever arrives
    this.addPeer(
      session,
      message.src === session.user ? message.dst : message.src,
    );
    session.ring.push({ type: "private_message", message });
  }

  #expired(session: BrowserSession, now: number): boolean {
    return session.openStreams === 0 &&
      now - session.lastSeenMs > this.#options.idleTimeoutMs;
  }

  #oldestIdle(): BrowserSession | undefined {
    let oldest: BrowserSession | undefined;
    for (const session of this.#sessions.values()) {
      if (session.openStreams > 0) continue;
      if (oldest === undefined || session.lastSeenMs < oldest.lastSeenMs) {
        oldest = session;
      }
    }
    return oldest;
  }

  async #sweep(): Promise<void> {
    const now = this.#options.now();
    for (const session of [...this.#sessions.values()]) {
      if (this.#expired(session, now)) await this.destroy(session.token);
    }
  }
}
