/**
 * Group commit: the records of a whole batch (made by client requests, or
 * received from peers) are staged, then stored in one durable transaction
 * (one fsync; a batch of peers' records alone skips the fsync, see
 * {@linkcode Committer.commit}), and only then published. A success reply
 * may be sent once {@linkcode Committer.commit} returned `ok`.
 *
 * What a commit publishes, in order: the chat publication of each new local
 * `publish` (topic `<channel>`) and `message` (topic `<dst>`) record, then
 * the new local records on topic `replication` (in chunks of at most
 * {@linkcode REPLICATION_CHUNK_RECORDS}, each with its HMAC). Records
 * received from peers are stored but not published again: their origin
 * published them.
 *
 * @module
 */

import {
  encodeReplicationPublication,
  type Stamp,
} from "@agora/shared/protocol";
import type { ChatRecord } from "@agora/shared/record";
import type { BatchView } from "./batch_view.ts";
import { chatPublication } from "./handlers.ts";
import type { OwnPublications } from "./own_publications.ts";
import type { PeerAuth } from "./peer_auth.ts";
import type { Store } from "./storage.ts";

/** Most records per `replication` publication. */
export const REPLICATION_CHUNK_RECORDS = 500;

/** Two frames `[topic, payload]`. */
export type PublicationFrames = [Uint8Array, Uint8Array];

/** The outcome of {@linkcode Committer.commit}. */
export type CommitOutcome =
  | {
    ok: true;
    /** Local records stored. */
    local: number;
    /** Peers' records newly stored. */
    replicated: number;
    /** What to publish now, in order. */
    publications: PublicationFrames[];
    /**
     * Why nothing is published although the records are stored (building
     * the publications threw: a bug). The replies still say stored, which
     * is true; peers fetch the records through catch-up.
     */
    publicationError?: unknown;
  }
  | { ok: false; error: unknown };

/** What a {@linkcode Committer} needs. */
export interface CommitterOptions {
  /** The store. */
  store: Store;
  /** The batch overlay, cleared after each commit. */
  view: BatchView;
  /** The MAC of replication publications. */
  auth: PeerAuth;
  /**
   * The Lamport clock to save with each batch: at least the reservation and
   * every clock the process merged (`DurableLamport.restartFloor`).
   */
  restartClock: () => number;
  /** A fresh stamp for a publication. */
  stamp: () => Stamp;
  /** Where replication payloads are remembered, to drop their echo. */
  own?: OwnPublications;
}

/** Stages records and stores them in one transaction per commit. */
export class Committer {
  readonly #options: CommitterOptions;
  #local: ChatRecord[] = [];
  #replicated: ChatRecord[] = [];
  #settled: ((ok: boolean) => void)[] = [];
  #commits = 0;
  #failures = 0;

  /** Creates an empty committer. */
  constructor(options: CommitterOptions) {
    this.#options = options;
  }

  /** Whether anything is staged. */
  get dirty(): boolean {
    return this.#local.length > 0 || this.#replicated.length > 0 ||
      this.#settled.length > 0;
  }

  /** Whether records are staged (reads must wait for a commit). */
  get hasRecords(): boolean {
    return this.#local.length > 0 || this.#replicated.length > 0;
  }

  /** Commits done and failed so far. */
  get stats(): { commits: number; failures: number } {
    return { commits: this.#commits, failures: this.#failures };
  }

  /** Stages records this server just created. */
  stageLocal(records: readonly ChatRecord[]): void {
    if (records.length === 0) return;
    this.#local.push(...records);
    this.#options.view.note(records);
  }

  /** Stages records received from peers (already de-duplicated). */
  stageReplicated(records: readonly ChatRecord[]): void {
    if (records.length === 0) return;
    this.#replicated.push(...records);
    this.#options.view.note(records);
  }

  /** Runs `callback(ok)` right after the next commit, in staging order. */
  onSettled(callback: (ok: boolean) => void): void {
    this.#settled.push(callback);
  }

  /**
   * Stores everything staged in one transaction with the Lamport
   * reservation, then returns what to publish. On failure nothing was
   * stored; the staged records are dropped either way.
   */
  commit(): CommitOutcome {
    const local = this.#local;
    const replicated = this.#replicated;
    const settled = this.#settled;
    this.#local = [];
    this.#replicated = [];
    this.#settled = [];
    const { store, view } = this.#options;
    let outcome: CommitOutcome;
    try {
      const all = replicated.length === 0
        ? local
        : local.length === 0
        ? replicated
        : [...replicated, ...local];
      // Only what this server acknowledges must be on disk before the
      // replies go out. Peers' records are held durably by their origin
      // (and fetched again if a power loss takes them from here): a commit
      // of those alone does not wait for the disk; the next local commit's
      // fsync covers them too.
      const inserted = all.length === 0 ? [] : store.append(all, {
        clock: this.#options.restartClock(),
        durable: local.length > 0,
      });
      this.#commits++;
      outcome = {
        ok: true,
        local: local.length,
        replicated: inserted.length - local.length,
        publications: [],
      };
    } catch (error) {
      this.#failures++;
      outcome = { ok: false, error };
    } finally {
      view.clear();
    }
    if (outcome.ok) {
      // Outside the store's try: once the records are on disk, nothing may
      // turn their replies into failures.
      try {
        outcome.publications = this.#publications(local);
      } catch (error) {
        outcome.publicationError = error;
      }
    }
    for (const callback of settled) {
      try {
        callback(outcome.ok);
      } catch {
        // A callback's failure must not undo a commit.
      }
    }
    return outcome;
  }

  #publications(local: readonly ChatRecord[]): PublicationFrames[] {
    const frames: PublicationFrames[] = [];
    for (const record of local) {
      const publication = chatPublication(record);
      if (publication) frames.push(publication);
    }
    for (let at = 0; at < local.length; at += REPLICATION_CHUNK_RECORDS) {
      const chunk = local.slice(at, at + REPLICATION_CHUNK_RECORDS);
      const publication = encodeReplicationPublication(
        chunk,
        this.#options.auth.replication(chunk),
        this.#options.stamp(),
      );
      this.#options.own?.remember(publication[1]);
      frames.push(publication);
    }
    return frames;
  }
}
