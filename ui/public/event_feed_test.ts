import { deepStrictEqual } from "node:assert/strict";
// @ts-types="./event_feed.d.ts"
import { addEvents, newFeed } from "./event_feed.js";

interface Item {
  id: number;
  timestamp: number;
  type: string;
}

function event(id: number, timestamp: number): Item {
  return { id, timestamp, type: "server_up" };
}

function ids(feed: { events: Item[] }): number[] {
  return feed.events.map((e) => e.id);
}

Deno.test("an event in both the snapshot and the stream is shown once", () => {
  const feed = newFeed<Item>();
  addEvents(feed, [event(1, 10), event(2, 12)], 100);
  deepStrictEqual(addEvents(feed, [event(2, 12)], 100), []);
  deepStrictEqual(addEvents(feed, [event(3, 13)], 100), [event(3, 13)]);
  deepStrictEqual(ids(feed), [3, 2, 1]);
});

Deno.test("events are shown newest first by when they happened, not by arrival", () => {
  const feed = newFeed<Item>();
  // One poll: an up at the poll's time, then a catch-up logged before it.
  addEvents(feed, [event(1, 48), event(2, 46)], 100);
  addEvents(feed, [event(3, 62)], 100);
  addEvents(feed, [event(4, 60)], 100);
  deepStrictEqual(feed.events.map((e) => e.timestamp), [62, 60, 48, 46]);
  // Same time: the later id (learnt later) first.
  addEvents(feed, [event(5, 60)], 100);
  deepStrictEqual(ids(feed), [3, 5, 4, 1, 2]);
});

Deno.test("the feed keeps the newest, and an old event arriving late is not shown", () => {
  const feed = newFeed<Item>();
  addEvents(feed, [event(1, 1), event(2, 2), event(3, 3)], 2);
  deepStrictEqual(ids(feed), [3, 2]);
  deepStrictEqual(addEvents(feed, [event(4, 0.5)], 2), []);
  deepStrictEqual(ids(feed), [3, 2]);
  deepStrictEqual([...feed.ids].sort(), [2, 3]);
});

Deno.test("malformed events are ignored", () => {
  const feed = newFeed<Item>();
  const bad = [
    null,
    { id: "1", timestamp: 1, type: "x" },
    { id: 2, type: "x" },
  ] as unknown as Item[];
  deepStrictEqual(addEvents(feed, bad, 10), []);
});
