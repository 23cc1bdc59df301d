/**
 * The server-to-server services on the request socket:
 *
 * | service | auth | reply `data` |
 * |---|---|---|
 * | `clock` | no | `time`: physical clock reading when the reply is sent, s; `auth` when signed |
 * | `election` | no | `election: "OK"` (then our own election, if we outrank the sender); `auth` when signed |
 * | `clock_adjust` | yes | `status: "OK"`, `offset` (s); extensions in the request: `name`, `round` |
 * | `sync` | yes | `records` of `origin` after `after` (≤ `limit`), `last` = highest contiguous seq held, `auth` |
 * | `sync_state` | yes | `vector`, `auth` |
 * | `status` | no | see {@linkcode StatusSource}; `auth` when signed |
 *
 * `clock` and `election` work without `auth` for course clients; `status`
 * too, for the web dashboard (it is read-only).
 *
 * @module
 */

import {
  errorReply,
  failureReply,
  type PeerService,
  type Request,
  type ServerStatus,
} from "@agora/shared/protocol";
import type { Coordination } from "./coordination.ts";
import type { PeerAuth } from "./peer_auth.ts";
import type { LazyReply, PeerHandler } from "./pump.ts";
import type { Store } from "./storage.ts";

/** Builds the `status` reply's data: the protocol's fields plus extensions. */
export type StatusSource = () => ServerStatus & Record<string, unknown>;

/** What {@link PeerServices} needs. */
export interface PeerServicesOptions {
  /** The store (for `sync`, `sync_state`). */
  store: Store;
  /** Checks MACs. */
  auth: PeerAuth;
  /** Election and Berkeley. */
  coordination: Coordination;
  /** Physical clock reading, seconds. */
  nowSeconds: () => number;
  /** The `status` data. */
  status: StatusSource;
}

/** Handles the peer services (see the module docs). */
export class PeerServices implements PeerHandler {
  readonly #o: PeerServicesOptions;

  /** Creates the handler. */
  constructor(options: PeerServicesOptions) {
    this.#o = options;
  }

  /** Handles one well-formed peer request. */
  handle(request: Request<PeerService>): LazyReply {
    const { auth, coordination, store } = this.#o;
    switch (request.service) {
      case "clock": {
        coordination.onClockRequest();
        // Read when the reply is sent: Berkeley compensates the round
        // trip, not the time the reply waited behind the batch.
        return () => ({
          service: "clock",
          data: signed(auth, "clock", { time: this.#o.nowSeconds() }, request),
        });
      }
      case "election":
        coordination.onElectionRequest(request.data.rank);
        return {
          service: "election",
          data: signed(auth, "election", { election: "OK" as const }, request),
        };
      case "clock_adjust": {
        const { name, round } = request.data;
        const refused = auth.checkRequest(
          "clock_adjust",
          request.data,
          [request.data.adjust, name ?? null, round ?? null],
          request.data.auth,
          this.#o.nowSeconds(),
        );
        if (refused) return failureReply("clock_adjust", refused);
        const outcome = coordination.onClockAdjust(
          request.data.adjust,
          name,
          round,
        );
        if (!outcome.applied && outcome.refused) {
          return failureReply("clock_adjust", outcome.refused);
        }
        return {
          service: "clock_adjust",
          data: { status: "OK", offset: outcome.offsetSeconds },
        };
      }
      case "sync": {
        const { origin, after, limit } = request.data;
        const refused = auth.checkRequest(
          "sync",
          request.data,
          [origin, after, limit],
          request.data.auth,
          this.#o.nowSeconds(),
        );
        if (refused) return errorReply(refused, "sync");
        const data = {
          records: store.recordsAfter(origin, after, limit),
          last: store.vector()[origin] ?? 0,
        };
        return { service: "sync", data: signed(auth, "sync", data, request) };
      }
      case "sync_state": {
        const refused = auth.checkRequest(
          "sync_state",
          request.data,
          [],
          request.data.auth,
          this.#o.nowSeconds(),
        );
        if (refused) return errorReply(refused, "sync_state");
        return {
          service: "sync_state",
          data: signed(auth, "sync_state", { vector: store.vector() }, request),
        };
      }
      case "status":
        return {
          service: "status",
          data: signed(auth, "status", this.#o.status(), request),
        };
      default: {
        const never: never = request;
        throw new Error(`Unhandled service ${JSON.stringify(never)}`);
      }
    }
  }
}

/**
 * `data` with the `auth` that binds it to the signed `request`, or as it is
 * when the request was not signed (course clients and tools).
 */
function signed<T extends Record<string, unknown>>(
  auth: PeerAuth,
  service: PeerService,
  data: T,
  request: { data: { auth?: string } },
): T & { auth?: string } {
  const requestAuth = request.data.auth;
  if (requestAuth === undefined) return data;
  return { ...data, auth: auth.reply(service, requestAuth, data) };
}
