/**
 * The state a set of replication records means: pure merge helpers.
 *
 * Replication is a set of grow-only sets, so the materialised state depends
 * only on *which* records a server holds, never on the order they arrived
 * or how often: {@link materialize} is that function. Tests use it as the
 * oracle (two replicas are equal when their views are equal) and storage
 * tests check that what storage returns matches it.
 *
 * Rules, all keyed so that arrival order cannot matter:
 * - records are identified by `${origin}:${seq}`; copies count once (should
 *   two differ, which a correct origin never does, the first in message
 *   order wins);
 * - `users`: one entry per name, from its earliest `user` record in message
 *   order; `channels`: likewise per channel name; `subscriptions`: one per
 *   `(user, channel)` pair. A user and a channel with the same name created
 *   concurrently on two servers both stay (each server refuses the clash
 *   locally; resolving it here would need an arrival order);
 * - `logins`, `messages` (`publish`) and `privateMessages` (`message`):
 *   every record;
 * - every list is sorted by the message order `(clock, server, seq)`
 *   (`compareOrder` in `order.ts`).
 *
 * @example
 * ```ts
 * import { materialize } from "@agora/shared/replication_merge";
 * import type { ChatRecord } from "@agora/shared/record";
 * declare const storedRecords: ChatRecord[];
 * declare const recordsFromPeer: ChatRecord[];
 * const view = materialize([...storedRecords, ...recordsFromPeer]);
 * view.users.map((u) => u.user);
 * ```
 *
 * @module
 */

import { compareOrder } from "./order.ts";
import type { ChatRecord, RecordData } from "./record.ts";
import { recordId } from "./record.ts";

/** Where an item of the view came from: its record's id and order key. */
export interface ViewItemOrigin {
  /** Record id, `${server}:${seq}` (also the message id). */
  id: string;
  /** Origin server's name. */
  server: string;
  /** Origin's sequence number. */
  seq: number;
  /** Origin's Lamport clock. */
  clock: number;
  /** Origin's physical time, seconds. */
  timestamp: number;
}

/** An item of the view: a record's data plus where it came from. */
export type ViewItem<K extends keyof RecordData> =
  & RecordData[K]
  & ViewItemOrigin;

/** The materialised chat state, every list in message order. */
export interface MaterializedView {
  /** One per user name. */
  users: ViewItem<"user">[];
  /** Every login. */
  logins: ViewItem<"login">[];
  /** One per channel name. */
  channels: ViewItem<"channel">[];
  /** One per `(user, channel)`. */
  subscriptions: ViewItem<"subscribe">[];
  /** Channel messages. */
  messages: ViewItem<"publish">[];
  /** Private messages. */
  privateMessages: ViewItem<"message">[];
}

/**
 * The union of record sets, one copy per id, in message order. Order and
 * repetition of the input do not change the result.
 */
export function mergeRecords(
  ...sets: readonly (readonly ChatRecord[])[]
): ChatRecord[] {
  const all = sets.flat().map((record) => ({
    record,
    key: { clock: record.clock, server: record.origin, seq: record.seq },
  }));
  all.sort((a, b) =>
    compareOrder(a.key, b.key) ||
    compareText(JSON.stringify(a.record), JSON.stringify(b.record))
  );
  const seen = new Set<string>();
  const merged: ChatRecord[] = [];
  for (const { record } of all) {
    const id = recordId(record);
    if (seen.has(id)) continue;
    seen.add(id);
    merged.push(record);
  }
  return merged;
}

/** The chat state a set of records means (see the module rules). */
export function materialize(
  records: readonly ChatRecord[],
): MaterializedView {
  const view: MaterializedView = {
    users: [],
    logins: [],
    channels: [],
    subscriptions: [],
    messages: [],
    privateMessages: [],
  };
  const users = new Set<string>();
  const channels = new Set<string>();
  const subscriptions = new Set<string>();
  // In message order, the first record for a key is the one that counts.
  for (const record of mergeRecords(records)) {
    const origin: ViewItemOrigin = {
      id: recordId(record),
      server: record.origin,
      seq: record.seq,
      clock: record.clock,
      timestamp: record.timestamp,
    };
    switch (record.op) {
      case "user":
        if (addNew(users, record.data.user)) {
          view.users.push({ ...record.data, ...origin });
        }
        break;
      case "login":
        view.logins.push({ ...record.data, ...origin });
        break;
      case "channel":
        if (addNew(channels, record.data.channel)) {
          view.channels.push({ ...record.data, ...origin });
        }
        break;
      case "subscribe":
        if (
          addNew(
            subscriptions,
            `${record.data.user}\u0000${record.data.channel}`,
          )
        ) {
          view.subscriptions.push({ ...record.data, ...origin });
        }
        break;
      case "publish":
        view.messages.push({ ...record.data, ...origin });
        break;
      case "message":
        view.privateMessages.push({ ...record.data, ...origin });
        break;
      default: {
        const unknown: never = record;
        void unknown;
      }
    }
  }
  return view;
}

function addNew(set: Set<string>, key: string): boolean {
  if (set.has(key)) return false;
  set.add(key);
  return true;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
