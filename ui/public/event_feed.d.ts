/** A cluster event as the dashboard stream sends it. */
export interface FeedEvent {
  /** Identity given by the UI server's hub. */
  id: number;
  /** When it happened, seconds since the epoch. */
  timestamp: number;
  /** Its kind: `election`, `berkeley`, `catch_up`, `server_up`, … */
  type: string;
}

/** A filter of the feed: `all`, or the kind of events it shows. */
export type FeedKind = "all" | "election" | "catch_up" | "sync" | "up_down";

/** The filter an event is shown under (besides `all`). */
export type EventKind = Exclude<FeedKind, "all"> | "other";

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

/** Index of the event to drop when full: the oldest of the commonest type; -1 when empty. */
export function evictionIndex(events: FeedEvent[]): number;

/** The feed's filters, in the order shown. */
export const FEED_FILTERS: { kind: FeedKind; label: string }[];

/** The filter an event is shown under (besides `all`). */
export function kindOf(event: FeedEvent): EventKind;

/** The events the filter `kind` shows, in the same order. */
export function shownEvents<T extends FeedEvent>(
  events: T[],
  kind: FeedKind,
): T[];

/** How many events each filter shows. */
export function countKinds(
  events: FeedEvent[],
): Record<FeedKind | "other", number>;
