/**
 * What a check gets: the cluster's endpoints, a Lamport clock shared by
 * every request and subscription of the run, request helpers that fail
 * with readable messages, subscriptions that are closed when the check
 * ends, and polling with a deadline.
 *
 * @module
 */

import type { LamportClock } from "@agora/shared/lamport";
import type { WireMap } from "@agora/shared/protocol";
import { rpc, type RpcReply } from "../runner/rpc.ts";
import { Feed } from "./feed.ts";
import type { AcceptanceEndpoints, ClusterControl } from "./types.ts";

/** Longest wait for one reply. */
const CALL_TIMEOUT_MS = 3000;
/** Pause between two polls of a condition. */
const POLL_MS = 200;

/** Settings shared by every check of a run. */
export interface RunSettings {
  /** The cluster. */
  endpoints: AcceptanceEndpoints;
  /** Cluster secret for signed requests (`status`). */
  secret?: string;
  /** Whether servers may be stopped and started. */
  disruptive: boolean;
  /** Stops and starts services. */
  control?: ClusterControl;
  /** Known bot user names. */
  bots: readonly string[];
  /** How many bots must be seen. */
  botsExpected: number;
  /** Unique part of the names this run creates. */
  runId: string;
  /** Deadline multiplier. */
  timeScale: number;
  /** The run's Lamport clock. */
  clock: LamportClock;
}

/** The context one check runs in. */
export class CheckContext {
  /** The run's settings. */
  readonly settings: RunSettings;
  /** Aborted when the check's deadline passes. */
  readonly signal: AbortSignal;
  readonly #feeds = new Set<Feed>();

  /** Builds the context of one check. */
  constructor(settings: RunSettings, signal: AbortSignal) {
    this.settings = settings;
    this.signal = signal;
  }

  /** The run's Lamport clock. */
  get clock(): LamportClock {
    return this.settings.clock;
  }

  /** `ms` scaled by the run's time scale. */
  ms(ms: number): number {
    return Math.round(ms * this.settings.timeScale);
  }

  /**
   * A name unique to this run, valid as a user or channel name:
   * `acc_<runId>_<kind>`.
   */
  name(kind: string): string {
    return `acc_${this.settings.runId}_${kind}`;
  }

  /**
   * The servers under test, name → endpoint. Unnamed endpoints are named
   * from the reference's `list` by address (or by the endpoint itself).
   */
  async servers(): Promise<Record<string, string>> {
    const given = this.settings.endpoints.servers;
    if (!Array.isArray(given)) return { ...given as Record<string, string> };
    const list = await this.referenceList().catch(() => []);
    const out: Record<string, string> = {};
    for (const endpoint of given as readonly string[]) {
      const entry = list.find((e) => e.address === endpoint);
      out[entry?.name ?? endpoint] = endpoint;
    }
    return out;
  }

  /** The reference's `list`, checked to be a list of `{name, rank}`. */
  async referenceList(): Promise<
    { name: string; rank: number; address?: string }[]
  > {
    const reply = await this.expect(
      this.settings.endpoints.reference,
      "list",
      {},
    );
    const list = reply.data.list;
    if (!Array.isArray(list)) {
      throw new Error(
        `The reference's "list" reply has no list: ${show(reply.data)}`,
      );
    }
    for (const entry of list) {
      if (
        typeof entry?.name !== "string" || !Number.isSafeInteger(entry?.rank)
      ) {
        throw new Error(`A "list" entry is not {name, rank}: ${show(entry)}`);
      }
    }
    return list;
  }

  /**
   * Sends one request, stamped with the run's clock (and signed when a
   * secret is set); rejects when no valid reply comes in time.
   */
  async call(
    endpoint: string,
    service: string,
    data: WireMap = {},
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<RpcReply> {
    this.signal.throwIfAborted();
    return await rpc(endpoint, service, data, {
      timeoutMs: this.ms(timeoutMs),
      clock: this.clock,
      secret: this.settings.secret,
    });
  }

  /**
   * Like {@link call}, and fails unless the reply has the same service and,
   * when `statuses` is given, a `status` among them.
   */
  async expect(
    endpoint: string,
    service: string,
    data: WireMap = {},
    statuses?: readonly string[],
  ): Promise<RpcReply> {
    const reply = await this.call(endpoint, service, data);
    if (reply.service !== service) {
      throw new Error(
        `${endpoint} answered "${service}" with "${reply.service}": ${
          String(reply.data.description ?? show(reply.data))
        }`,
      );
    }
    if (
      statuses !== undefined && !statuses.includes(String(reply.data.status))
    ) {
      throw new Error(
        `${endpoint} answered "${service}" with status "${
          String(reply.data.status)
        }": ${
          String(
            reply.data.description ?? reply.data.message ?? show(reply.data),
          )
        }`,
      );
    }
    return reply;
  }

  /** Subscribes to exact `topics` on the proxy; closed when the check ends. */
  feed(topics: readonly string[]): Feed {
    const feed = new Feed(this.settings.endpoints.proxySub, topics, this.clock);
    this.#feeds.add(feed);
    return feed;
  }

  /**
   * Polls `probe` until it returns a value (not `undefined`), at most
   * `timeoutMs` (scaled). A probe that throws counts as "not yet"; its
   * message ends up in the failure.
   */
  async waitFor<T>(
    what: string,
    timeoutMs: number,
    probe: () => Promise<T | undefined>,
  ): Promise<T> {
    const limitMs = this.ms(timeoutMs);
    const deadline = Date.now() + limitMs;
    let last = "";
    while (true) {
      this.signal.throwIfAborted();
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `${what} (waited ${limitMs} ms)${last === "" ? "" : `: ${last}`}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Closes what the check left open. */
  async close(): Promise<void> {
    await Promise.all([...this.#feeds].map((f) => f.close()));
    this.#feeds.clear();
  }
}

/** Throws an `Error` with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** A short JSON rendering of a value, for failure messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
