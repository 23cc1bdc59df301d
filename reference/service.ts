/**
 * The reference service's request handling: parse, update the registry,
 * persist rank changes durably, and build the stamped reply. Socket-free, so
 * tests can drive it frame by frame.
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import type { Logger } from "@agora/shared/log";
import {
  encodeReply,
  floatSeconds,
  parseReferenceRequest,
  type Reply,
  type ReplyService,
} from "@agora/shared/protocol";
import { Registry } from "./registry.ts";
import { readRanks, writeRanks } from "./ranks_file.ts";

/** What {@link ReferenceService.open} needs. */
export interface ReferenceServiceOptions {
  /** Directory of the rank table. */
  dataDir: string;
  /** Liveness timeout for `list`. */
  heartbeatTimeoutMs: number;
  /** Structured logger. */
  log: Logger;
}

/** Handles reference requests against a persisted {@link Registry}. */
export class ReferenceService {
  readonly #registry: Registry;
  readonly #dataDir: string;
  readonly #log: Logger;
  readonly #clock = new LamportClock();

  private constructor(
    registry: Registry,
    options: ReferenceServiceOptions,
  ) {
    this.#registry = registry;
    this.#dataDir = options.dataDir;
    this.#log = options.log;
  }

  /** Loads the rank table (if any) and returns a ready service. */
  static async open(
    options: ReferenceServiceOptions,
  ): Promise<ReferenceService> {
    const snapshot = await readRanks(options.dataDir);
    const registry = new Registry(
      { heartbeatTimeoutMs: options.heartbeatTimeoutMs },
      snapshot,
    );
    options.log.info("ranks_loaded", {
      servers: registry.all().map((s) => `${s.name}=${s.rank}`),
    });
    return new ReferenceService(registry, options);
  }

  /** The Lamport clock's current value. */
  get clock(): number {
    return this.#clock.value;
  }

  /** The registry (read-only use: status and tests). */
  get registry(): Registry {
    return this.#registry;
  }

  /**
   * Handles one request frame and returns the encoded reply frame. Never
   * throws for bad input; a rank change is on disk before the reply.
   */
  async handle(frame: unknown, nowMs: number): Promise<Uint8Array> {
    const parsed = parseReferenceRequest(frame);
    if (!parsed.ok) {
      this.#clock.receiveUntrusted(parsed.clock);
      this.#log.warn("bad_request", { description: parsed.description });
      return this.#stamp(parsed.reply);
    }
    const { request } = parsed;
    // Nobody signs requests to the reference (see receiveUntrusted).
    this.#clock.receiveUntrusted(request.data.clock);
    switch (request.service) {
      case "rank": {
        const { user, address, peer_address: peerAddress } = request.data;
        const rank = this.#registry.rank(user, nowMs, address, peerAddress);
        await this.#persist();
        this.#log.info("rank", {
          user,
          rank,
          ...(address === undefined ? {} : { address }),
          clock: this.clock,
        });
        return this.#stamp({ service: "rank", data: { rank } });
      }
      case "heartbeat": {
        const { user, address, peer_address: peerAddress } = request.data;
        const known = this.#registry.sinceLastHeartbeatMs(user, nowMs);
        const rank = this.#registry.heartbeat(
          user,
          nowMs,
          address,
          peerAddress,
        );
        await this.#persist();
        if (known === undefined) {
          this.#log.info("registered_by_heartbeat", {
            user,
            rank,
            ...(address === undefined ? {} : { address }),
          });
        } else {
          this.#log.debug("heartbeat", { user, rank });
        }
        return this.#stamp({ service: "heartbeat", data: { status: "OK" } });
      }
      case "list": {
        const list = this.#registry.list(nowMs);
        this.#log.debug("list", { servers: list.length });
        return this.#stamp({ service: "list", data: { list } });
      }
      default: {
        const unreachable: never = request;
        throw new Error(`Unhandled request ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async #persist(): Promise<void> {
    if (!this.#registry.dirty) return;
    await writeRanks(this.#dataDir, this.#registry.snapshot());
  }

  #stamp<S extends ReplyService>(reply: Reply<S>): Uint8Array {
    const clock = this.#clock.tick();
    return encodeReply(reply, {
      timestamp: floatSeconds(Date.now() / 1000),
      clock,
    });
  }
}
