/**
 * Every server the UI has known in this cluster's life — from the
 * reference's `list`, from the configured endpoints (`AGORA_SERVERS`) once
 * they answer, and from their own `status` replies — and how one poll's
 * answers become a {@linkcode ClusterStatus}. A server that left the list
 * stays in the book, so the dashboard keeps showing it as down. Pure: the
 * caller does the requests and passes the time.
 *
 * @module
 */

import type { ClusterStatus, ReferenceEntry, ServerStatus } from "./cluster.ts";
import type { ServerObservation } from "./real_event_tracker.ts";
import type { ServerReport } from "./real_server_report.ts";
import { replicationLag } from "./replication_lag.ts";

/** One server's answer (or silence) in a poll. */
export interface ServerProbe {
  /** The endpoint asked. */
  endpoint: string;
  /** Whether it answered at all (a refusal counts). */
  answered: boolean;
  /** What it said about itself, when readable. */
  report: ServerReport | null;
  /** Local time at the middle of the round trip, ms since the epoch. */
  midpointMs: number;
}

/** What one poll gathered. */
export interface PollResult {
  /** When the poll ended, seconds since the epoch. */
  timestampSeconds: number;
  /** The reference's `list`, `null` when it did not answer. */
  reference: ReferenceEntry[] | null;
  /** Every server probe of the poll. */
  probes: readonly ServerProbe[];
  /** The coordinator last announced on topic `servers`, if any. */
  announced: string | null;
}

/** A poll turned into the dashboard's snapshot and the tracker's input. */
export interface Snapshot {
  /** The dashboard's view. */
  status: ClusterStatus;
  /** One observation per known server, for the event tracker. */
  observations: ServerObservation[];
  /** The coordinator most answering servers believe in, if any. */
  agreedCoordinator: string | null;
}

interface Known {
  name: string;
  rank: number | null;
  address: string | null;
}

/**
 * See the module doc.
 *
 * @example
 * ```ts
 * import { ServerBook } from "./real_server_book.ts";
 * const book = new ServerBook(["tcp://127.0.0.1:5555"]);
 * book.targets(); // ["tcp://127.0.0.1:5555"]
 * ```
 */
export class ServerBook {
  readonly #configured: string[];
  readonly #serversMax: number;
  readonly #known = new Map<string, Known>();

  /**
   * Creates a book knowing only the `configured` endpoints (whose names are
   * learnt when they answer); it holds at most `serversMax` servers.
   */
  constructor(configured: readonly string[] = [], serversMax = 64) {
    this.#configured = [...new Set(configured.map((e) => e.trim()))]
      .filter((e) => e.length > 0);
    this.#serversMax = Math.max(1, serversMax);
  }

  /** The configured endpoints. */
  get configured(): string[] {
    return [...this.#configured];
  }

  /** Known servers with an address: name → endpoint, by rank. */
  get addresses(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const server of this.#sorted()) {
      if (server.address !== null) out[server.name] = server.address;
    }
    return out;
  }

  /** Endpoints to poll: every known server's address and every configured one. */
  targets(): string[] {
    const endpoints = new Set<string>();
    for (const server of this.#sorted()) {
      if (server.address !== null) endpoints.add(server.address);
    }
    for (const endpoint of this.#configured) endpoints.add(endpoint);
    return [...endpoints];
  }

  /**
   * Learns names, ranks and addresses from the reference's list. An entry
   * without an address is a server only once it answers at a configured
   * endpoint: anything may register a name (the acceptance suite's probe
   * does), and without an address it cannot be asked for its status.
   */
  learnList(entries: readonly ReferenceEntry[]): void {
    for (const entry of entries) {
      if (entry.address === null && !this.#known.has(entry.name)) continue;
      const known = this.#entry(entry.name);
      if (known === undefined) continue;
      known.rank = entry.rank;
      if (entry.address !== null) known.address = entry.address;
    }
  }

  /**
   * Turns a poll into the snapshot (and learns from the answers first: a
   * configured endpoint gets its name, a server its rank).
   */
  snapshot(poll: PollResult): Snapshot {
    if (poll.reference !== null) this.learnList(poll.reference);
    const reports = new Map<string, ServerProbe & { report: ServerReport }>();
    const answered = new Set<string>();
    for (const probe of poll.probes) {
      if (!probe.answered) continue;
      answered.add(probe.endpoint);
      if (probe.report === null) continue;
      const known = this.#entry(probe.report.name);
      if (known === undefined) continue;
      known.rank ??= probe.report.rank;
      // The list's address wins; else the endpoint that answered.
      const listed = poll.reference?.some((e) =>
        e.name === known.name && e.address !== null
      );
      if (!listed && known.address === null) known.address = probe.endpoint;
      reports.set(known.name, { ...probe, report: probe.report });
    }
    // Again: servers first named by their answer get their listed rank.
    if (poll.reference !== null) this.learnList(poll.reference);
    const listedNames = new Set((poll.reference ?? []).map((e) => e.name));
    const alive = (server: Known) =>
      reports.has(server.name) ||
      (server.address !== null && answered.has(server.address));
    const agreedCoordinator = agreement(
      [...reports.values()].map((p) => p.report.coordinator),
    );
    const aliveNames = new Set(
      this.#sorted().filter(alive).map((server) => server.name),
    );
    const coordinator =
      [poll.announced, agreedCoordinator].find((name) =>
        name !== null && aliveNames.has(name)
      ) ?? null;
    const lag = replicationLag(
      Object.fromEntries(
        [...reports.values()].map((p) => [p.report.name, p.report.vector]),
      ),
    );

    const servers: ServerStatus[] = [];
    const observations: ServerObservation[] = [];
    for (const server of this.#sorted()) {
      const probe = reports.get(server.name);
      const report = probe?.report ?? null;
      const isAlive = alive(server);
      const listed = listedNames.has(server.name);
      servers.push({
        name: server.name,
        rank: server.rank ?? 0,
        address: server.address,
        alive: isAlive,
        listed,
        coordinator: server.name === coordinator,
        clockOffsetMs: report?.timeSeconds == null || probe === undefined
          ? null
          : Math.round((report.timeSeconds * 1000 - probe.midpointMs) * 10) /
            10,
        lamportClock: report?.lamport ?? null,
        counts: report === null ? null : { ...report.counts },
        replication: report === null ? null : {
          vector: { ...report.vector },
          lagRecords: lag[server.name] ?? 0,
        },
      });
      observations.push({
        name: server.name,
        alive: isAlive,
        listed,
        report,
        ...(probe === undefined ? {} : {
          answeredSeconds: probe.midpointMs / 1000,
        }),
      });
    }
    return {
      status: {
        timestamp: poll.timestampSeconds,
        referenceAlive: poll.reference !== null,
        reference: (poll.reference ?? []).map((e) => ({ ...e })),
        coordinator,
        servers,
      },
      observations,
      agreedCoordinator,
    };
  }

  #entry(name: string): Known | undefined {
    let known = this.#known.get(name);
    if (known === undefined) {
      if (this.#known.size >= this.#serversMax) return undefined;
      known = { name, rank: null, address: null };
      this.#known.set(name, known);
    }
    return known;
  }

  /** By rank ascending, servers without a rank last, then by name. */
  #sorted(): Known[] {
    return [...this.#known.values()].sort((a, b) => {
      const ra = a.rank ?? Number.MAX_SAFE_INTEGER;
      const rb = b.rank ?? Number.MAX_SAFE_INTEGER;
      if (ra !== rb) return ra - rb;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }
}

/** The most common non-null value (ties: the first seen), or `null`. */
function agreement(values: readonly (string | null)[]): string | null {
  const votes = new Map<string, number>();
  for (const value of values) {
    if (value !== null) votes.set(value, (votes.get(value) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [value, count] of votes) {
    if (count > bestVotes) {
      best = value;
      bestVotes = count;
    }
  }
  return best;
}
