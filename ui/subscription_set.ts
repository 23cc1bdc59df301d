/**
 * The live subscriptions of one chat session, closed together when the
 * session ends (shared by the real and the fake session).
 *
 * @module
 */

import type { Subscription } from "./cluster.ts";

/** A subscription that does nothing (returned once the set is closed). */
export const CLOSED_SUBSCRIPTION: Subscription = { close() {} };

/** Subscriptions tracked until {@linkcode SubscriptionSet.closeAll}. */
export class SubscriptionSet {
  readonly #live = new Set<Subscription>();
  #closed = false;

  /** Whether {@linkcode SubscriptionSet.closeAll} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Tracks `inner`: the returned subscription closes it and forgets it.
   * After `closeAll`, `inner` is closed at once.
   */
  track(inner: Subscription): Subscription {
    if (this.#closed) {
      inner.close();
      return CLOSED_SUBSCRIPTION;
    }
    const subscription: Subscription = {
      close: () => {
        inner.close();
        this.#live.delete(subscription);
      },
    };
    this.#live.add(subscription);
    return subscription;
  }

  /** Closes every tracked subscription; later ones close at once. */
  closeAll(): void {
    this.#closed = true;
    for (const subscription of [...this.#live]) subscription.close();
    this.#live.clear();
  }
}
