/** A cluster event as the dashboard stream sends it. */
export interface FeedEvent {
  /** Identity given by the UI server's hub. */
  id: number;
  /** When it happened, seconds since the epoch. */
  timestamp: number;
}

/** The events shown, newest first, and their ids. */
export interface Feed<T extends FeedEvent> {
  /** Newest first. */
  events: T[];
  /** Ids of `events`. */
  ids: Set<number>;
}

/** An empty feed. */
export function newFeed<T extends FeedEvent>(): Feed<T>;

/** Newest first: by time, then by id. */
export function compareEvents(a: FeedEvent, b: FeedEvent): number;

/** Adds unseen events in place, keeps the `max` newest; returns those added and kept. */
export function addEvents<T extends FeedEvent>(
  feed: Feed<T>,
  events: T[],
  max: number,
): T[];
