/**
 * A chat session of the in-memory {@linkcode FakeCluster}: each operation
 * acts as the session's user, and closing it closes its subscriptions.
 *
 * @module
 */

import type {
  ChannelMessage,
  ChatSession,
  HistoryPage,
  PrivateMessage,
  Subscription,
} from "./cluster.ts";
import type { FakeCluster } from "./fake_cluster.ts";
import { SubscriptionSet } from "./subscription_set.ts";

/** A chat session of {@linkcode FakeCluster}. */
export class FakeChatSession implements ChatSession {
  readonly user: string;
  readonly #cluster: FakeCluster;
  readonly #subscriptions = new SubscriptionSet();

  /** Creates the session of `user`, who has just logged in to `cluster`. */
  constructor(cluster: FakeCluster, user: string) {
    this.#cluster = cluster;
    this.user = user;
  }

  users(): Promise<string[]> {
    return this.#cluster._users();
  }

  channels(): Promise<string[]> {
    return this.#cluster._channels();
  }

  createChannel(channel: string): Promise<void> {
    return this.#cluster._createChannel(this.user, channel);
  }

  async subscribe(
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Promise<Subscription> {
    const inner = await this.#cluster._subscribe(this.user, channel, onMessage);
    return this.#track(inner);
  }

  subscribePrivate(
    onMessage: (message: PrivateMessage) => void,
  ): Promise<Subscription> {
    return Promise.resolve(
      this.#track(this.#cluster._subscribePrivate(this.user, onMessage)),
    );
  }

  publish(channel: string, message: string): Promise<void> {
    return this.#cluster._publish(this.user, channel, message);
  }

  sendPrivate(dst: string, message: string): Promise<PrivateMessage> {
    return this.#cluster._sendPrivate(this.user, dst, message);
  }

  history(channel: string, page?: HistoryPage): Promise<ChannelMessage[]> {
    return this.#cluster._history(channel, page);
  }

  privateHistory(peer: string, page?: HistoryPage): Promise<PrivateMessage[]> {
    return this.#cluster._privateHistory(this.user, peer, page);
  }

  close(): Promise<void> {
    this.#subscriptions.closeAll();
    return Promise.resolve();
  }

  #track(inner: Subscription): Subscription {
    return this.#subscriptions.track(inner);
  }
}
