/**
 * Requests this server makes to peers and to the reference: stamped with
 * the Lamport clock and the physical clock, signed when asked, sent over
 * one {@link RpcClient} per endpoint, and parsed; the reply's clock is
 * merged. A refusal (`error` reply, or a reply of the wrong shape) rejects
 * with a {@link RequestError}; a timeout with the `ZmqError` `"ETIMEDOUT"`.
 *
 * @module
 */

import {
  encodeEnvelope,
  parseReply,
  type ReceivedReply,
  type ReplyService,
  type RequestService,
  type Stamp,
} from "@agora/shared/protocol";
import type { PeerAuth } from "./peer_auth.ts";
import type { CurveKeys } from "./curve_config.ts";
import { RpcClient } from "./rpc_client.ts";

/** A request was answered with an error, or with something unreadable. */
export class RequestError extends Error {
  /** Creates an error naming the service and the endpoint. */
  constructor(message: string) {
    super(message);
    this.name = "RequestError";
  }
}

/** What a {@link Requester} needs. */
export interface RequesterOptions {
  /** Default timeout, ms. */
  timeoutMs: number;
  /** A fresh stamp for each request. */
  stamp: () => Stamp;
  /** Merges a reply's Lamport clock. */
  receiveClock: (clock: number | undefined) => void;
  /** Signs requests that carry `sign` fields. */
  auth: PeerAuth;
  /** The cluster CURVE key pair, for endpoints {@link curveFor} accepts. */
  curve?: CurveKeys;
  /** Whether `endpoint` is a peer socket reached over CURVE (default: none). */
  curveFor?: (endpoint: string) => boolean;
}

/** Options of one request. */
export interface CallOptions {
  /** Timeout, ms (default: the requester's). */
  timeoutMs?: number;
  /**
   * The fields the MAC covers (see `peer_auth.ts`); when given, `auth` is
   * added to the request.
   */
  sign?: readonly unknown[];
}

/** Endpoints remembered at most (a client per endpoint). */
export const ENDPOINTS_MAX = 256;

/** Sends requests to any endpoint (see the module docs). */
export class Requester {
  readonly #options: RequesterOptions;
  readonly #clients = new Map<string, RpcClient>();
  #closed = false;

  /** Creates a requester with no connection yet. */
  constructor(options: RequesterOptions) {
    this.#options = options;
  }

  /**
   * Sends `service` with `data` to `endpoint`; resolves with the reply's
   * `data` (stamp included).
   */
  async call<S extends RequestService & ReplyService>(
    endpoint: string,
    service: S,
    data: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<ReceivedReply<S>["data"]> {
    const stamp = this.#options.stamp();
    const body: Record<string, unknown> = {
      ...data,
      timestamp: stamp.timestamp,
      clock: stamp.clock,
    };
    const requestAuth = options.sign === undefined
      ? undefined
      : this.#options.auth.request(service, stamp, options.sign);
    if (requestAuth !== undefined) body.auth = requestAuth;
    const frame = encodeEnvelope({ service, data: body });
    const reply = await this.#client(endpoint).call(frame, options.timeoutMs);
    const parsed = parseReply(reply, service);
    if (!parsed.ok) {
      throw new RequestError(
        `Unreadable "${service}" reply from "${endpoint}": ${parsed.description}`,
      );
    }
    this.#options.receiveClock(parsed.value.data.clock);
    if (parsed.value.service === "error") {
      throw new RequestError(
        `"${service}" refused by "${endpoint}": ${parsed.value.data.description}`,
      );
    }
    // A reply that is stored (records) or acted on (a vector, a clock
    // reading, a coordinator) must come from a cluster member, whatever
    // address answered: anyone can register one at the reference.
    const refused = requestAuth === undefined
      ? undefined
      : this.#options.auth.checkReply(
        service,
        requestAuth,
        parsed.value.data as Record<string, unknown>,
      );
    if (refused !== undefined) {
      throw new RequestError(
        `Refused the reply from "${endpoint}": ${refused}`,
      );
    }
    return parsed.value.data as ReceivedReply<S>["data"];
  }

  /** Closes the client of `endpoint` (requests in flight fail). */
  forget(endpoint: string): void {
    this.#clients.get(endpoint)?.close();
    this.#clients.delete(endpoint);
  }

  /** Closes every client. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  #client(endpoint: string): RpcClient {
    let client = this.#clients.get(endpoint);
    if (client) return client;
    if (this.#closed) {
      throw new RequestError(`Cannot send to "${endpoint}": shutting down`);
    }
    if (this.#clients.size >= ENDPOINTS_MAX) {
      // Bounded: drop the oldest endpoint (Maps iterate in insertion order).
      const [oldest] = this.#clients.keys();
      this.forget(oldest);
    }
    const { curve, curveFor } = this.#options;
    client = new RpcClient(endpoint, {
      timeoutMs: this.#options.timeoutMs,
      curve: curve !== undefined && curveFor?.(endpoint) ? curve : undefined,
    });
    this.#clients.set(endpoint, client);
    return client;
  }
}
