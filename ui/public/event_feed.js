// The dashboard's events feed: each event once, whatever the timing of the
// snapshot and the stream, and newest first by the time it happened (not by
// arrival: a poll reports a catch-up its server logged seconds before, and a
// ring event may arrive after a later announcement). An event's identity is
// the id the UI server's hub gave it. When full, the oldest event of the
// commonest kind goes first: sync rounds arrive every few seconds and would
// otherwise push out the rare elections and catch-ups people look for. The
// UI server's hub keeps its events by the same rule (evictionIndex). No DOM
// here.

/** An empty feed. */
export function newFeed() {
  return { events: [], ids: new Set() };
}

/** Newest first: by time, then by id (the order the UI server learnt them). */
export function compareEvents(a, b) {
  if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
  return b.id - a.id;
}

/**
 * Adds the events of `events` that `feed` ({events, ids}) does not hold
 * yet, each at its place, then keeps the `max` newest. Returns the events
 * added that were kept.
 */
export function addEvents(feed, events, max) {
  const added = [];
  for (const event of events) {
    if (
      !event || !Number.isFinite(event.id) ||
      !Number.isFinite(event.timestamp) || feed.ids.has(event.id)
    ) {
      continue;
    }
    feed.ids.add(event.id);
    let index = feed.events.length;
    while (index > 0 && compareEvents(feed.events[index - 1], event) > 0) {
      index -= 1;
    }
    feed.events.splice(index, 0, event);
    added.push(event);
  }
  while (feed.events.length > max) {
    const [dropped] = feed.events.splice(evictionIndex(feed.events), 1);
    feed.ids.delete(dropped.id);
  }
  return added.filter((event) => feed.ids.has(event.id));
}

/**
 * Index in `events` (in any order) of the event to drop when there are too
 * many: the oldest of the commonest type, the oldest of either on a tie;
 * -1 when empty.
 */
export function evictionIndex(events) {
  const counts = new Map();
  for (const event of events) {
    counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  }
  const most = Math.max(0, ...counts.values());
  let index = -1;
  events.forEach((event, i) => {
    if (counts.get(event.type) !== most) return;
    if (index === -1 || compareEvents(event, events[index]) > 0) index = i;
  });
  return index;
}

/** The feed's filters, in the order shown; `all` shows every event. */
export const FEED_FILTERS = [
  { kind: "all", label: "All" },
  { kind: "election", label: "Elections" },
  { kind: "catch_up", label: "Catch-ups" },
  { kind: "sync", label: "Syncs" },
  { kind: "up_down", label: "Up/Down" },
];

/** The filter an event is shown under (besides `all`). */
export function kindOf(event) {
  switch (event.type) {
    case "election":
      return "election";
    case "catch_up":
      return "catch_up";
    case "berkeley":
      return "sync";
    case "server_up":
    case "server_down":
      return "up_down";
    default:
      return "other";
  }
}

/** The events of `events` the filter `kind` shows, in the same order. */
export function shownEvents(events, kind) {
  return kind === "all"
    ? events
    : events.filter((event) => kindOf(event) === kind);
}

/** How many events each filter shows: `{all, election, …, other}`. */
export function countKinds(events) {
  const counts = {
    all: events.length,
    election: 0,
    sync: 0,
    catch_up: 0,
    up_down: 0,
    other: 0,
  };
  for (const event of events) counts[kindOf(event)] += 1;
  return counts;
}
