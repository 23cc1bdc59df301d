// The dashboard's events feed: each event once, whatever the timing of the
// snapshot and the stream, and newest first by the time it happened (not by
// arrival: a poll reports a catch-up its server logged seconds before, and a
// ring event may arrive after a later announcement). An event's identity is
// the id the UI server's hub gave it. No DOM here.

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
  while (feed.events.length > max) feed.ids.delete(feed.events.pop().id);
  return added.filter((event) => feed.ids.has(event.id));
}
