import { deepStrictEqual, equal } from "node:assert/strict";
// @ts-types="./event_feed.d.ts"
import {
  addEvents,
  countKinds,
  evictionIndex,
  FEED_FILTERS,
  kindOf,
  newFeed,
  shownEvents,
} from "./event_feed.js";

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

function typed(id: number, timestamp: number, type: string): Item {
  return { id, timestamp, type };
}

Deno.test("sync rounds do not push an election out of a full feed", () => {
  const feed = newFeed<Item>();
  addEvents(feed, [typed(1, 1, "election"), typed(2, 2, "server_down")], 5);
  for (let i = 3; i <= 40; i++) {
    addEvents(feed, [typed(i, i, "berkeley")], 5);
  }
  deepStrictEqual(feed.events.map((e) => e.id), [40, 39, 38, 2, 1]);
  deepStrictEqual([...feed.ids].sort((x, y) => x - y), [1, 2, 38, 39, 40]);
  // Elections as common as sync rounds: the oldest of either goes first.
  addEvents(feed, [typed(41, 41, "election"), typed(42, 42, "election")], 5);
  deepStrictEqual(feed.events.map((e) => e.id), [42, 41, 40, 39, 2]);
});

Deno.test("a late sync round older than everything kept is not shown in a full feed", () => {
  const feed = newFeed<Item>();
  addEvents(feed, [typed(1, 10, "berkeley"), typed(2, 11, "berkeley")], 2);
  deepStrictEqual(addEvents(feed, [typed(3, 5, "berkeley")], 2), []);
  // A late election is rarer than the sync rounds: it is kept.
  deepStrictEqual(addEvents(feed, [typed(4, 5, "election")], 2), [
    typed(4, 5, "election"),
  ]);
  deepStrictEqual(ids(feed), [2, 4]);
});

Deno.test("kindOf() puts each event under one filter; shownEvents() applies it", () => {
  const events = [
    typed(1, 1, "election"),
    typed(2, 2, "berkeley"),
    typed(3, 3, "catch_up"),
    typed(4, 4, "server_up"),
    typed(5, 5, "server_down"),
    typed(6, 6, "something_new"),
  ];
  deepStrictEqual(events.map(kindOf), [
    "election",
    "sync",
    "catch_up",
    "up_down",
    "up_down",
    "other",
  ]);
  deepStrictEqual(FEED_FILTERS.map((f) => f.kind), [
    "all",
    "election",
    "catch_up",
    "sync",
    "up_down",
  ]);
  deepStrictEqual(shownEvents(events, "all"), events);
  deepStrictEqual(shownEvents(events, "up_down").map((e) => e.id), [4, 5]);
  deepStrictEqual(shownEvents(events, "election").map((e) => e.id), [1]);
  deepStrictEqual(countKinds(events), {
    all: 6,
    election: 1,
    sync: 1,
    catch_up: 1,
    up_down: 2,
    other: 1,
  });
});

Deno.test("evictionIndex() picks the oldest of the commonest kind, in either order", () => {
  const newestFirst = [
    typed(5, 5, "berkeley"),
    typed(4, 4, "election"),
    typed(3, 3, "berkeley"),
    typed(2, 3, "berkeley"),
    typed(1, 1, "election"),
  ];
  equal(evictionIndex(newestFirst), 3);
  equal(evictionIndex([...newestFirst].reverse()), 1);
  equal(evictionIndex([]), -1);
  // A tie between kinds: the oldest of either.
  equal(evictionIndex([typed(2, 2, "a"), typed(1, 1, "b")]), 1);
});
