/**
 * Who listens to which topic, by exact topic. Pure.
 *
 * ZeroMQ subscriptions match by prefix (a SUB subscribed to `Lu` also gets
 * `Lucas`), so the feed looks every received topic up here by its exact
 * text and drops what nobody asked for.
 *
 * @module
 */

/**
 * Listeners by exact topic. `add` and `remove` say when the socket must
 * subscribe (first listener of a topic) and unsubscribe (last one gone).
 *
 * @example
 * ```ts
 * import { TopicTable } from "@agora/shared/client";
 * const table = new TopicTable<string>();
 * table.add("Lu", "a"); // true: subscribe the socket to "Lu"
 * table.listeners("Lucas"); // [] — prefix matches are not matches
 * table.remove("Lu", "a"); // true: unsubscribe
 * ```
 */
export class TopicTable<L> {
  readonly #listeners = new Map<string, L[]>();

  /** Adds a listener; returns whether it is the topic's first one. */
  add(topic: string, listener: L): boolean {
    const list = this.#listeners.get(topic);
    if (list === undefined) {
      this.#listeners.set(topic, [listener]);
      return true;
    }
    list.push(listener);
    return false;
  }

  /**
   * Removes one listener (by identity); returns whether the topic has no
   * listener left (false if the listener was not there).
   */
  remove(topic: string, listener: L): boolean {
    const list = this.#listeners.get(topic);
    if (list === undefined) return false;
    const index = list.indexOf(listener);
    if (index < 0) return false;
    list.splice(index, 1);
    if (list.length > 0) return false;
    this.#listeners.delete(topic);
    return true;
  }

  /** The listeners of exactly `topic` (a copy, safe to iterate while removing). */
  listeners(topic: string): L[] {
    return [...(this.#listeners.get(topic) ?? [])];
  }

  /** Whether anyone listens to exactly `topic`. */
  has(topic: string): boolean {
    return this.#listeners.has(topic);
  }

  /** The topics with listeners. */
  topics(): string[] {
    return [...this.#listeners.keys()];
  }
}
