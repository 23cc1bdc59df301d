/**
 * The state the handlers see while a batch is being built: the store plus
 * the records of the batch that are not committed yet (a user created by a
 * login earlier in the batch exists for a later publish in it).
 *
 * Names never disappear (the state is grow-only), so names found in the
 * store are remembered in a bounded set: most lookups then skip SQLite.
 *
 * @example
 * ```ts
 * import { Store } from "./storage.ts";
 * import { BatchView } from "./batch_view.ts";
 * const store = Store.open(await Deno.makeTempDir());
 * const view = new BatchView(store);
 * view.note([{ origin: "s1", seq: 1, clock: 1, timestamp: 1, op: "user", data: { user: "ana" } }]);
 * view.hasUser("ana"); // true, before any commit
 * view.clear();
 * view.hasUser("ana"); // false: the batch was not committed
 * store.close();
 * ```
 *
 * @module
 */

import { compareCodePoints } from "@agora/shared/order";
import type { ChannelMessage, PrivateMessage } from "@agora/shared/protocol";
import { type ChatRecord, postAuthor, recordId } from "@agora/shared/record";
import type { ChatView, PageOptions } from "./handlers.ts";
import type { KeyedPost, Store } from "./storage.ts";

/** Names remembered per kind before the memory is reset. */
export const KNOWN_NAMES_MAX = 65_536;

/** A {@link ChatView} over a store and the current batch's records. */
export class BatchView implements ChatView {
  readonly #store: Store;
  readonly #knownMax: number;
  readonly #knownUsers = new Set<string>();
  readonly #knownChannels = new Set<string>();
  readonly #users = new Set<string>();
  readonly #channels = new Set<string>();
  readonly #subscriptions = new Set<string>();
  /** Posts of the batch by author and request key (`requestKey`). */
  readonly #requests = new Map<string, KeyedPost>();
  #pending = 0;
  #batchReads = 0;

  /** Reads `store`; remembers at most `knownMax` names of each kind. */
  constructor(store: Store, knownMax = KNOWN_NAMES_MAX) {
    this.#store = store;
    this.#knownMax = knownMax;
  }

  /** How many records of the batch are pending. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * How many lookups so far were answered by the batch's pending records
   * and not by the store: a reply that took one stands on the batch, and
   * must become a failure if the batch is not stored (see `Pump`).
   */
  get batchReads(): number {
    return this.#batchReads;
  }

  /** Adds records of the batch (local or replicated) to the view. */
  note(records: readonly ChatRecord[]): void {
    for (const record of records) {
      this.#pending++;
      switch (record.op) {
        case "user":
          this.#users.add(record.data.user);
          break;
        case "channel":
          this.#channels.add(record.data.channel);
          break;
        case "subscribe":
          this.#subscriptions.add(
            subscriptionKey(record.data.user, record.data.channel),
          );
          break;
        case "publish":
        case "message": {
          const { request_id } = record.data;
          if (request_id === undefined) break;
          const key = requestKey(record.op, postAuthor(record), request_id);
          // The first one wins, as in the store.
          if (!this.#requests.has(key)) {
            this.#requests.set(key, {
              id: recordId(record),
              target: record.op === "publish"
                ? record.data.channel
                : record.data.dst,
              message: record.data.message,
            });
          }
          break;
        }
        default:
          break;
      }
    }
  }

  /** Forgets the batch's records (after a commit, or when it failed). */
  clear(): void {
    if (this.#pending === 0) return;
    this.#pending = 0;
    // What was committed is remembered through the store from now on.
    this.#users.clear();
    this.#channels.clear();
    this.#subscriptions.clear();
    this.#requests.clear();
  }

  /** The post `user` sent with `requestId`, in the store or the batch. */
  requestPost(
    op: "publish" | "message",
    user: string,
    requestId: string,
  ): KeyedPost | undefined {
    const stored = this.#store.requestPost(op, user, requestId);
    if (stored !== undefined) return stored;
    const pending = this.#requests.get(requestKey(op, user, requestId));
    this.#inBatch(pending !== undefined);
    return pending;
  }

  /** Whether the user exists in the store or the batch. */
  hasUser(name: string): boolean {
    if (this.#knownUsers.has(name)) return true;
    if (this.#store.hasUser(name)) {
      remember(this.#knownUsers, name, this.#knownMax);
      return true;
    }
    return this.#inBatch(this.#users.has(name));
  }

  /** Whether the channel exists in the store or the batch. */
  hasChannel(name: string): boolean {
    if (this.#knownChannels.has(name)) return true;
    if (this.#store.hasChannel(name)) {
      remember(this.#knownChannels, name, this.#knownMax);
      return true;
    }
    return this.#inBatch(this.#channels.has(name));
  }

  /** Whether `user` follows `channel` in the store or the batch. */
  isSubscribed(user: string, channel: string): boolean {
    if (this.#store.subscriptions(user).includes(channel)) return true;
    return this.#inBatch(
      this.#subscriptions.has(subscriptionKey(user, channel)),
    );
  }

  /** Counts an answer found only in the batch (see `batchReads`). */
  #inBatch(found: boolean): boolean {
    if (found) this.#batchReads++;
    return found;
  }

  /** Every user name, sorted by code point (UTF-8 byte order). */
  users(): string[] {
    return merged(this.#store.users(), this.#users);
  }

  /** Every channel name, sorted by code point (UTF-8 byte order). */
  channels(): string[] {
    return merged(this.#store.channels(), this.#channels);
  }

  /** A page of a channel's stored messages (the loop commits before reads). */
  channelHistory(channel: string, page: PageOptions): ChannelMessage[] {
    return this.#store.channelHistory(channel, page);
  }

  /** A page of two users' stored messages (the loop commits before reads). */
  privateHistory(
    user1: string,
    user2: string,
    page: PageOptions,
  ): PrivateMessage[] {
    return this.#store.privateHistory(user1, user2, page);
  }
}

function subscriptionKey(user: string, channel: string): string {
  return `${user}\u0000${channel}`;
}

function remember(set: Set<string>, name: string, max: number): void {
  if (set.size >= max) set.clear();
  set.add(name);
}

function merged(stored: string[], pending: ReadonlySet<string>): string[] {
  if (pending.size === 0) return stored;
  const all = new Set(stored);
  for (const name of pending) all.add(name);
  return [...all].sort(compareCodePoints);
}

function requestKey(op: string, user: string, requestId: string): string {
  // Neither op nor a request id has a NUL (the parser allows
  // [A-Za-z0-9._:-] only in a key).
  return `${op}\u0000${requestId}\u0000${user}`;
}
