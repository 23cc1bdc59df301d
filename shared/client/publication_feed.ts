/**
 * Live publications through the proxy: one SUB socket connected to the
 * proxy's XPUB endpoint, with exact topic matching, typed callbacks and
 * async iterators.
 *
 * @module
 */

import type { LamportClock } from "@agora/shared/lamport";
import {
  type ChannelMessage,
  parsePublication,
  type PrivateMessage,
  type Publication,
} from "@agora/shared/protocol";
import { Subscriber } from "@agora/shared/zmq";
import { AgoraError } from "./errors.ts";
import { MessageQueue, type MessageStream } from "./message_queue.ts";
import { TopicTable } from "./topic_table.ts";

/** A coordinator announcement on topic `servers`. */
export interface ServerAnnouncement {
  /** The server that won the election. */
  coordinator: string;
  /** The announcer's timestamp (seconds), when sent. */
  timestamp?: number;
  /** The announcer's Lamport clock, when sent. */
  clock?: number;
}

/** A live feed; closing it stops deliveries to its callback at once. */
export interface Subscription {
  /** Stops the feed. Idempotent; never throws. */
  close(): void;
}

/** Counters of a {@linkcode PublicationFeed}. */
export interface FeedStats {
  /** Messages received from the socket. */
  received: number;
  /** Messages handed to at least one listener. */
  delivered: number;
  /**
   * Messages whose topic nobody asked for exactly (prefix matches such as
   * `Lucas` for a subscription to `Lu`), or of the wrong kind for the topic.
   */
  filtered: number;
  /** Messages that were not valid publications (dropped). */
  malformed: number;
  /** Callbacks that threw (the error is swallowed). */
  listenerErrors: number;
}

/** Options of {@linkcode PublicationFeed}. */
export interface PublicationFeedOptions {
  /** The proxy's XPUB endpoint (`AGORA_PROXY_SUB`, e.g. `tcp://127.0.0.1:5558`). */
  endpoint: string;
  /** Lamport clock merged with every valid publication's clock. */
  clock?: LamportClock;
  /** Most items an async iterator buffers before dropping its oldest (default 1000). */
  queueLimit?: number;
  /** Told about each malformed publication (for logs). Must not throw. */
  onMalformed?: (description: string) => void;
}

type Kind = Publication["kind"];

interface Listener {
  kind: Kind;
  deliver: (publication: Publication) => void;
  active: boolean;
}

const topicDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Publications from the proxy, delivered only for exactly the topics asked
 * for. The SUB socket reconnects by itself (and re-sends its subscriptions)
 * when the proxy restarts.
 *
 * @example
 * ```ts
 * import { PublicationFeed } from "@agora/shared/client";
 * const feed = new PublicationFeed({ endpoint: "tcp://127.0.0.1:5558" });
 * const sub = feed.onChannel("general", (m) => console.log(m.user, m.message));
 * sub.close();
 * await feed.close();
 * ```
 */
export class PublicationFeed {
  readonly #socket: Subscriber;
  readonly #table = new TopicTable<Listener>();
  readonly #clock: LamportClock | undefined;
  readonly #queueLimit: number;
  readonly #onMalformed: ((description: string) => void) | undefined;
  readonly #streams = new Set<MessageQueue<unknown>>();
  readonly #loop: Promise<void>;
  readonly #stats: FeedStats = {
    received: 0,
    delivered: 0,
    filtered: 0,
    malformed: 0,
    listenerErrors: 0,
  };
  #closed = false;

  /** Opens the SUB socket and connects it (the connection is made in the background). */
  constructor(options: PublicationFeedOptions) {
    this.#clock = options.clock;
    this.#queueLimit = options.queueLimit ?? 1000;
    this.#onMalformed = options.onMalformed;
    this.#socket = new Subscriber({ linger: 0, receiveHighWaterMark: 10_000 });
    try {
      this.#socket.connect(options.endpoint);
    } catch (error) {
      this.#socket.close();
      throw new AgoraError(
        `Cannot connect to the proxy at "${options.endpoint}": ${
          error instanceof Error ? error.message : String(error)
        }`,
        { code: "invalid_argument", endpoint: options.endpoint, cause: error },
      );
    }
    this.#loop = this.#run();
  }

  /** A copy of the counters. */
  get stats(): FeedStats {
    return { ...this.#stats };
  }

  /** The topics listened to now. */
  get topics(): string[] {
    return this.#table.topics();
  }

  /** Calls `onMessage` for every message published in exactly `channel`. */
  onChannel(
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Subscription {
    return this.#listen(channel, "channel", (p) => {
      if (p.kind === "channel") onMessage(p.message);
    });
  }

  /** Calls `onMessage` for every private message whose `dst` is exactly `user`. */
  onPrivate(
    user: string,
    onMessage: (message: PrivateMessage) => void,
  ): Subscription {
    return this.#listen(user, "private", (p) => {
      if (p.kind === "private") onMessage(p.message);
    });
  }

  /** Calls `onAnnouncement` for every coordinator announcement (topic `servers`). */
  onServers(
    onAnnouncement: (announcement: ServerAnnouncement) => void,
  ): Subscription {
    return this.#listen("servers", "election", (p) => {
      if (p.kind !== "election") return;
      const announcement: ServerAnnouncement = { coordinator: p.coordinator };
      if (p.timestamp !== undefined) announcement.timestamp = p.timestamp;
      if (p.clock !== undefined) announcement.clock = p.clock;
      onAnnouncement(announcement);
    });
  }

  /** The messages of exactly `channel`, as an async iterator (break or `close()` to stop). */
  channelMessages(channel: string): MessageStream<ChannelMessage> {
    return this.#stream((push) => this.onChannel(channel, push));
  }

  /** The private messages to exactly `user`, as an async iterator. */
  privateMessages(user: string): MessageStream<PrivateMessage> {
    return this.#stream((push) => this.onPrivate(user, push));
  }

  /** The coordinator announcements, as an async iterator. */
  serverAnnouncements(): MessageStream<ServerAnnouncement> {
    return this.#stream((push) => this.onServers(push));
  }

  /**
   * Closes the socket and ends every stream; resolves once the receive
   * loop has stopped. Idempotent.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.close();
      for (const stream of this.#streams) stream.end();
      this.#streams.clear();
    }
    await this.#loop;
  }

  #listen(
    topic: string,
    kind: Kind,
    deliver: (publication: Publication) => void,
  ): Subscription {
    if (this.#closed) {
      throw new AgoraError("The publication feed is closed.", {
        code: "closed",
      });
    }
    const listener: Listener = { kind, deliver, active: true };
    if (this.#table.add(topic, listener)) this.#socket.subscribe(topic);
    return {
      close: () => {
        if (!listener.active) return;
        // Checked at each delivery: a listener closed by an earlier
        // listener of the same message gets nothing more.
        listener.active = false;
        if (this.#table.remove(topic, listener) && !this.#closed) {
          try {
            this.#socket.unsubscribe(topic);
          } catch {
            // The socket closed meanwhile: nothing left to unsubscribe.
          }
        }
      },
    };
  }

  #stream<T>(
    listen: (push: (item: T) => void) => Subscription,
  ): MessageStream<T> {
    // The queue's onClose needs the subscription made after the queue.
    const holder: { subscription?: Subscription } = {};
    const queue = new MessageQueue<T>(this.#queueLimit, () => {
      holder.subscription?.close();
      this.#streams.delete(queue as MessageQueue<unknown>);
    });
    holder.subscription = listen((item) => queue.push(item));
    this.#streams.add(queue as MessageQueue<unknown>);
    return queue;
  }

  async #run(): Promise<void> {
    try {
      for await (const frames of this.#socket) this.#handle(frames);
    } catch {
      // Only a closed socket ends the loop; any other failure too ends the
      // feed rather than the process.
    }
  }

  #handle(frames: Uint8Array[]): void {
    this.#stats.received++;
    let topic: string;
    try {
      topic = topicDecoder.decode(frames[0]);
    } catch {
      this.#malformed("The topic frame is not valid UTF-8.");
      return;
    }
    // Exact match: the socket's prefix match also lets `Lucas` through for
    // a subscription to `Lu`.
    const listeners = this.#table.listeners(topic);
    if (listeners.length === 0) {
      this.#stats.filtered++;
      return;
    }
    const parsed = parsePublication(frames);
    if (!parsed.ok) {
      this.#malformed(parsed.description);
      return;
    }
    const publication = parsed.value;
    const clock = "message" in publication
      ? publication.message.clock
      : publication.clock;
    this.#clock?.receiveUntrusted(clock);
    let delivered = false;
    for (const listener of listeners) {
      if (listener.kind !== publication.kind || !listener.active) continue;
      delivered = true;
      try {
        listener.deliver(publication);
      } catch {
        this.#stats.listenerErrors++;
      }
    }
    if (delivered) this.#stats.delivered++;
    else this.#stats.filtered++;
  }

  #malformed(description: string): void {
    this.#stats.malformed++;
    try {
      this.#onMalformed?.(description);
    } catch {
      // A logging hook must not stop the feed.
    }
  }
}
