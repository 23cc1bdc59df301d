/**
 * A browser session's {@linkcode ChatSession} on a real cluster, over the
 * UI process's shared `AgoraClient` (one Lamport clock, one SUB socket):
 * every call acts as the session's user, and live messages come from the
 * client's feed with exact topic matching.
 *
 * @module
 */

import type { AgoraClient } from "@agora/shared/client";
import type {
  ChannelMessage,
  ChatSession,
  HistoryPage,
  PrivateMessage,
  Subscription,
} from "./cluster.ts";
import { mapClusterErrors } from "./real_errors.ts";
import { CLOSED_SUBSCRIPTION, SubscriptionSet } from "./subscription_set.ts";

/** How many recent messages `sendPrivate` searches for the one it sent. */
export const SENT_LOOKUP_LIMIT = 100;

/** See the module doc. */
export class RealChatSession implements ChatSession {
  /** The logged-in user. */
  readonly user: string;
  readonly #client: AgoraClient;
  readonly #subscriptions = new SubscriptionSet();
  readonly #onClose: (session: RealChatSession) => void;

  /**
   * The session of `user`, who has just logged in through `client`.
   * `onClose` is told once when the session ends.
   */
  constructor(
    client: AgoraClient,
    user: string,
    onClose: (session: RealChatSession) => void = () => {},
  ) {
    this.#client = client;
    this.user = user;
    this.#onClose = onClose;
  }

  /** Whether {@linkcode RealChatSession.close} was called. */
  get closed(): boolean {
    return this.#subscriptions.closed;
  }

  /** Every user the cluster knows. */
  users(): Promise<string[]> {
    return mapClusterErrors(() => this.#client.users());
  }

  /** Every channel the cluster knows. */
  channels(): Promise<string[]> {
    return mapClusterErrors(() => this.#client.channels());
  }

  /** Creates `channel`, recorded as created by the session user. */
  async createChannel(channel: string): Promise<void> {
    await mapClusterErrors(() =>
      this.#client.createChannel(channel, this.user)
    );
  }

  /**
   * Listens on exactly `channel`'s topic, then records the subscription
   * with the protocol's `subscribe`. Listening first gives the SUB
   * socket's subscription the request's round trip to reach the
   * publishers (ZeroMQ's "slow joiner"), so messages published once this
   * resolves are delivered.
   */
  async subscribe(
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Promise<Subscription> {
    if (this.closed) return CLOSED_SUBSCRIPTION;
    const feed = this.#track(
      await mapClusterErrors(() =>
        Promise.resolve(this.#client.onChannel(channel, (message) => {
          if (message.channel === channel) onMessage(message);
        }))
      ),
    );
    try {
      await mapClusterErrors(() => this.#client.subscribe(this.user, channel));
    } catch (error) {
      feed.close();
      throw error;
    }
    return feed;
  }

  /** Listens on exactly the session user's topic: private messages to them. */
  async subscribePrivate(
    onMessage: (message: PrivateMessage) => void,
  ): Promise<Subscription> {
    if (this.closed) return CLOSED_SUBSCRIPTION;
    const user = this.user;
    return this.#track(
      await mapClusterErrors(() =>
        Promise.resolve(this.#client.onPrivate(user, (message) => {
          // The feed matches the topic exactly; this keeps it so whatever
          // a misbehaving server publishes there.
          if (message.dst === user) onMessage(message);
        }))
      ),
    );
  }

  /** Publishes in `channel` as the session user. */
  async publish(channel: string, message: string): Promise<void> {
    await mapClusterErrors(() =>
      this.#client.publish(this.user, channel, message)
    );
  }

  /**
   * Sends a private message and returns it as stored. Servers answer with
   * the message's `id` only, so the stored message (its origin clock and
   * time) is read back with `private_history` from the server that stored
   * it, which has it already.
   */
  async sendPrivate(dst: string, message: string): Promise<PrivateMessage> {
    const sent = await mapClusterErrors(() =>
      this.#client.message(this.user, dst, message)
    );
    const stored = await this.#lookUp(sent.endpoint, dst, sent.id, message)
      .catch(() => undefined);
    if (stored !== undefined) return stored;
    // The read-back failed (the server died right after storing): show
    // what the reply tells, which is right but for the origin's clock.
    const server = sent.id?.slice(0, sent.id.lastIndexOf(":")) ?? "";
    return {
      id: sent.id ?? `unconfirmed:${crypto.randomUUID()}`,
      src: this.user,
      dst,
      user: this.user,
      message,
      timestamp: sent.timestamp ?? Date.now() / 1000,
      clock: sent.clock ?? this.#client.clock.value,
      server,
    };
  }

  /** A page of `channel`'s messages, oldest first. */
  history(channel: string, page?: HistoryPage): Promise<ChannelMessage[]> {
    return mapClusterErrors(() => this.#client.history(channel, page ?? {}));
  }

  /** A page of the conversation with `peer`, both directions, oldest first. */
  privateHistory(peer: string, page?: HistoryPage): Promise<PrivateMessage[]> {
    return mapClusterErrors(() =>
      this.#client.privateHistory(this.user, peer, page ?? {})
    );
  }

  /** Closes every subscription of the session. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#subscriptions.closeAll();
    this.#onClose(this);
    return Promise.resolve();
  }

  async #lookUp(
    endpoint: string,
    dst: string,
    id: string | undefined,
    text: string,
  ): Promise<PrivateMessage | undefined> {
    const answer = await this.#client.requestTo(endpoint, "private_history", {
      user1: this.user,
      user2: dst,
      limit: SENT_LOOKUP_LIMIT,
    });
    const data = answer.reply.data;
    if (!("messages" in data)) return undefined;
    const mine = data.messages.filter((m) =>
      m.src === this.user && m.dst === dst
    );
    // Without an id (servers that omit it), the newest with the same text.
    return id === undefined
      ? mine.findLast((m) => m.message === text)
      : mine.find((m) => m.id === id);
  }

  #track(inner: Subscription): Subscription {
    return this.#subscriptions.track(inner);
  }
}
