/** A message as the UI shows it (channel or private). */
export interface OrderedMessage {
  /** Globally unique id, `<origin>:<seq>`. */
  id: string;
  /** Lamport clock at the origin. */
  clock: number;
  /** Origin server. */
  server: string;
}

/** Key of a conversation: `#channel` or `@user`. */
export function keyOf(kind: "channel" | "dm", name: string): string;

/** Cluster order: (clock, origin server, origin sequence). */
export function compareMessages(a: OrderedMessage, b: OrderedMessage): number;

/** Adds unseen messages in cluster order; returns how many were new. */
export function addMessages<T extends OrderedMessage>(
  conv: { messages: T[]; ids: Set<string> },
  messages: T[],
): number;
