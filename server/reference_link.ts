/**
 * This server's link to the reference: register (`rank`, with our
 * `address`), then every interval a `heartbeat` (with `address`, so a
 * restarted reference that lost its memory registers us again) and a
 * `list` of the live servers.
 *
 * Requests time out and their socket is replaced (`RpcClient`), so a dead
 * reference never blocks anything: the server keeps serving clients, keeps
 * its last list, and registers again (`rank`) as soon as the reference
 * answers after an outage.
 *
 * @module
 */

import type { Logger } from "@agora/shared/log";
import type { ServerEntry } from "@agora/shared/protocol";
import type { Requester } from "./requester.ts";

/** What a {@link ReferenceLink} needs. */
export interface ReferenceLinkOptions {
  /** The reference's endpoint. */
  endpoint: string;
  /** This server's name. */
  name: string;
  /** Where peers and clients reach this server. */
  address: string;
  /** Where peers reach our CURVE peer socket (sent as `peer_address`). */
  peerAddress?: string;
  /** Heartbeat and list period, ms. */
  intervalMs: number;
  /** Sends the requests. */
  requester: Requester;
  /** Logger. */
  log: Logger;
  /** Called with our rank after each successful registration. */
  onRank: (rank: number) => void;
  /** Called with each list received (it may include this server). */
  onList: (list: ServerEntry[]) => void;
}

/** Registration, heartbeats and list polling (see the module docs). */
export class ReferenceLink {
  readonly #options: ReferenceLinkOptions;
  #rank: number | undefined;
  #registered = false;
  #up: boolean | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** Creates an idle link; call {@link start}. */
  constructor(options: ReferenceLinkOptions) {
    this.#options = options;
  }

  /** Our rank, once the reference gave one. */
  get rank(): number | undefined {
    return this.#rank;
  }

  /** Whether the last exchange with the reference worked. */
  get up(): boolean {
    return this.#up === true;
  }

  /** Runs a first cycle now, then one every interval. */
  start(): void {
    if (this.#stopped || this.#running || this.#timer) return;
    this.#schedule(0);
  }

  /** One cycle: register or heartbeat, then fetch the list. Never rejects. */
  async cycle(): Promise<void> {
    const { requester, endpoint, name, address, peerAddress } = this.#options;
    // `peer_address` only with CURVE: without it nothing new is sent.
    const fields = peerAddress === undefined
      ? { user: name, address }
      : { user: name, address, peer_address: peerAddress };
    try {
      if (!this.#registered) {
        const reply = await requester.call(endpoint, "rank", fields);
        if (this.#rank !== reply.rank) {
          this.#options.log.info("registered", { rank: reply.rank, address });
        }
        this.#rank = reply.rank;
        this.#registered = true;
        this.#options.onRank(reply.rank);
      } else {
        await requester.call(endpoint, "heartbeat", fields);
      }
      const { list } = await requester.call(endpoint, "list", {});
      this.#setUp(true);
      this.#options.onList(list);
    } catch (error) {
      this.#setUp(false, error);
      // Ask again for the rank once it answers: it may have restarted.
      this.#registered = false;
    }
  }

  /** Stops the cycles; resolves once the running one ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const startedMs = performance.now();
      this.#running = this.cycle().finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        const elapsedMs = performance.now() - startedMs;
        this.#schedule(Math.max(0, this.#options.intervalMs - elapsedMs));
      });
    }, delayMs);
  }

  #setUp(up: boolean, error?: unknown): void {
    if (this.#up === up) return;
    this.#up = up;
    if (up) this.#options.log.info("reference_up", {});
    else {
      this.#options.log.warn("reference_down", {
        endpoint: this.#options.endpoint,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
