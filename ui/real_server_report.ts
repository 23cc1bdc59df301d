/**
 * Reads a server's `status` reply (the protocol's fields plus our
 * extensions: `lamport`, `time`, `uptimeSeconds`, and the ring of recent
 * cluster events with sequence numbers) into a checked shape. Anything
 * missing or of the wrong type is left out instead of trusted: a server of
 * another implementation, or a buggy one, cannot break the dashboard. Pure.
 *
 * @module
 */

import type { ServerCounts } from "./cluster.ts";

/** Most ring events read from one reply (the servers keep 64). */
export const REPORT_EVENTS_MAX = 256;

/** A ring event the dashboard uses, as a server's event ring holds it. */
export type RingEvent =
  | {
    /** Position in the server's ring (1, 2, 3…; restarts with the server). */
    seq: number;
    /**
     * The server learnt of a new coordinator, or became it (then
     * `coordinator` is the server itself).
     */
    type: "election";
    /** The coordinator. */
    coordinator: string;
    /** Seconds since the epoch, on the server's clock. */
    timestamp: number;
    /** The server's Lamport clock then. */
    clock: number;
  }
  | {
    /** Position in the server's ring (1, 2, 3…; restarts with the server). */
    seq: number;
    /** A Berkeley round the server ran as coordinator. */
    type: "berkeley";
    /** Coordinator that ran it. */
    coordinator: string;
    /** Server name → adjustment sent, milliseconds. */
    adjustmentsMs: Record<string, number>;
    /** Seconds since the epoch, on the server's clock. */
    timestamp: number;
  }
  | {
    /** Position in the server's ring. */
    seq: number;
    /** The server fetched records it lacked from a peer. */
    type: "catch_up";
    /** The server that caught up. */
    server: string;
    /** The peer it fetched from, when known. */
    from: string | null;
    /** Records fetched. */
    records: number;
    /** Seconds since the epoch, on the server's clock. */
    timestamp: number;
  }
  | {
    /** Position in the server's ring. */
    seq: number;
    /** Any other kind (`coordinator_lost`, or one this UI does not know). */
    type: "other";
  };

/** What one server said about itself. */
export interface ServerReport {
  /** Its name. */
  name: string;
  /** Its rank, `null` before the reference gave one. */
  rank: number | null;
  /** The coordinator it believes in, `null` during an election. */
  coordinator: string | null;
  /** Its Lamport clock (`lamport`, else the reply's `clock`). */
  lamport: number | null;
  /**
   * Its physical clock reading with Berkeley adjustments, seconds (`time`,
   * else the reply's `timestamp`, which servers stamp from the same clock).
   */
  timeSeconds: number | null;
  /** Stored counts (0 for a count it does not report). */
  counts: ServerCounts;
  /** Replication vector: origin → highest contiguous sequence held. */
  vector: Record<string, number>;
  /** Its advertised endpoint, when it says. */
  address: string | null;
  /** Recent events of its ring, oldest first (empty without a ring). */
  events: RingEvent[];
  /** Sequence number of its newest event, `null` without a ring. */
  lastEventSeq: number | null;
  /** Seconds since it started, `null` when it does not say. */
  uptimeSeconds: number | null;
}

/**
 * Reads a `status` reply's `data`. Returns a sentence saying what is wrong
 * when the reply cannot even say which server it is.
 *
 * @example
 * ```ts
 * import { readServerReport } from "./real_server_report.ts";
 * const report = readServerReport({
 *   name: "server_1", rank: 1, coordinator: "server_1", offset: 0,
 *   counts: { users: 2 }, vector: { server_1: 4 }, lamport: 17,
 *   time: 1764190000.5, events: [], lastEventSeq: 0,
 * });
 * typeof report === "string" ? report : report.counts.users; // 2
 * ```
 */
export function readServerReport(
  data: Record<string, unknown>,
): ServerReport | string {
  const name = data.name;
  if (typeof name !== "string" || name.length === 0) {
    return "The status reply has no server name.";
  }
  const counts = isRecord(data.counts) ? data.counts : {};
  return {
    name,
    rank: count(data.rank),
    coordinator: typeof data.coordinator === "string" && data.coordinator
      ? data.coordinator
      : null,
    lamport: count(data.lamport) ?? count(data.clock),
    timeSeconds: finite(data.time) ?? finite(data.timestamp),
    counts: {
      users: count(counts.users) ?? 0,
      channels: count(counts.channels) ?? 0,
      messages: count(counts.messages) ?? 0,
      privateMessages: count(counts.privateMessages) ?? 0,
    },
    vector: countMap(data.vector),
    address: typeof data.address === "string" && data.address
      ? data.address
      : null,
    events: ringEvents(data.events),
    lastEventSeq: count(data.lastEventSeq),
    uptimeSeconds: finite(data.uptimeSeconds),
  };
}

function ringEvents(value: unknown): RingEvent[] {
  if (!Array.isArray(value)) return [];
  const events: RingEvent[] = [];
  for (const item of value.slice(-REPORT_EVENTS_MAX)) {
    if (!isRecord(item)) continue;
    const seq = count(item.seq);
    if (seq === null || seq < 1) continue;
    events.push(ringEvent(seq, item));
  }
  return events.sort((a, b) => a.seq - b.seq);
}

function ringEvent(seq: number, item: Record<string, unknown>): RingEvent {
  const timestamp = finite(item.timestamp);
  if (
    item.type === "election" && typeof item.coordinator === "string" &&
    item.coordinator.length > 0 && timestamp !== null &&
    count(item.clock) !== null
  ) {
    return {
      seq,
      type: "election",
      coordinator: item.coordinator,
      timestamp,
      clock: count(item.clock)!,
    };
  }
  if (
    item.type === "berkeley" && typeof item.coordinator === "string" &&
    timestamp !== null
  ) {
    const adjustmentsMs: Record<string, number> = {};
    if (isRecord(item.adjustmentsMs)) {
      for (const [server, ms] of Object.entries(item.adjustmentsMs)) {
        const value = finite(ms);
        if (value !== null) adjustmentsMs[server] = value;
      }
    }
    return {
      seq,
      type: "berkeley",
      coordinator: item.coordinator,
      adjustmentsMs,
      timestamp,
    };
  }
  if (
    item.type === "catch_up" && typeof item.server === "string" &&
    timestamp !== null && count(item.records) !== null
  ) {
    return {
      seq,
      type: "catch_up",
      server: item.server,
      from: typeof item.from === "string" ? item.from : null,
      records: count(item.records)!,
      timestamp,
    };
  }
  return { seq, type: "other" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? value
    : null;
}

function countMap(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isRecord(value)) return out;
  for (const [key, seq] of Object.entries(value)) {
    const checked = count(seq);
    if (checked !== null) out[key] = checked;
  }
  return out;
}
