/**
 * One protocol request to one endpoint, for tools that must talk to a
 * specific process (status, readiness, the acceptance suite) rather than to
 * "any server" with failover: a fresh REQ socket, a deadline, the reply
 * decoded, the Lamport clock advanced on send and receipt.
 *
 * Server-to-server services that need the cluster's `auth` get it when a
 * secret is given (see `peer_request_auth.ts`).
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import {
  decodeEnvelope,
  encodeEnvelope,
  type WireMap,
} from "@agora/shared/protocol";
import { Request, ZmqError } from "@agora/shared/zmq";
import { requestAuth } from "./peer_request_auth.ts";

/** A decoded reply. */
export interface RpcReply {
  /** The reply's `service` (`"error"` for a refusal of any kind). */
  service: string;
  /** Its `data` map. */
  data: WireMap;
  /** The stamp the request was sent with. */
  sent: { timestamp: number; clock: number };
}

/** Options of {@link rpc}. */
export interface RpcOptions {
  /** Deadline for the reply (default 2000 ms). */
  timeoutMs?: number;
  /** Lamport clock to tick before sending and merge the reply into. */
  clock?: LamportClock;
  /** Cluster secret: adds `auth` to the services that need it. */
  secret?: string;
  /** Wall clock in ms (default `Date.now`). */
  nowMs?: () => number;
}

/** Why a request got no usable reply. */
export class RpcError extends Error {
  /** `timeout`: no reply in time; `bad_reply`: not a valid envelope. */
  readonly code: "timeout" | "bad_reply" | "failed";
  /** The endpoint asked. */
  readonly endpoint: string;

  /** Builds the error. */
  constructor(
    code: RpcError["code"],
    endpoint: string,
    message: string,
  ) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.endpoint = endpoint;
  }
}

/**
 * Services whose request carries `auth` when a secret is given (covered
 * fields: none). The server requires it for `sync_state`; `status` accepts it
 * and works without it.
 */
const AUTH_WITHOUT_FIELDS = new Set(["status", "sync_state"]);

/**
 * Sends `service` with `data` (stamped with `timestamp` and `clock`) to
 * `endpoint` and resolves with the reply; rejects with {@link RpcError}.
 *
 * @example
 * ```ts ignore
 * import { rpc } from "./rpc.ts";
 * const reply = await rpc("tcp://127.0.0.1:5559", "list", {}, { timeoutMs: 1000 });
 * reply.data.list; // [{ name: "server_1", rank: 1, address: "tcp://…" }]
 * ```
 */
export async function rpc(
  endpoint: string,
  service: string,
  data: WireMap,
  options: RpcOptions = {},
): Promise<RpcReply> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const clock = options.clock ?? new LamportClock();
  const stamp = {
    timestamp: (options.nowMs ?? Date.now)() / 1000,
    clock: clock.tick(),
  };
  const body: WireMap = { ...data, ...stamp };
  if (options.secret !== undefined && AUTH_WITHOUT_FIELDS.has(service)) {
    body.auth = requestAuth(options.secret, service, stamp);
  }
  const socket = new Request({
    linger: 0,
    sendTimeout: timeoutMs,
    receiveTimeout: timeoutMs,
  });
  let frames: Uint8Array[];
  try {
    socket.connect(endpoint);
    await socket.send(encodeEnvelope({ service, data: body }));
    frames = await socket.receive();
  } catch (error) {
    if (error instanceof ZmqError && error.code === "ETIMEDOUT") {
      throw new RpcError(
        "timeout",
        endpoint,
        `No reply to "${service}" from ${endpoint} within ${timeoutMs} ms.`,
      );
    }
    throw new RpcError(
      "failed",
      endpoint,
      `Asking ${endpoint} for "${service}" failed: ${(error as Error).message}`,
    );
  } finally {
    socket.close();
  }
  const decoded = decodeEnvelope(frames[0]);
  if (frames.length !== 1 || !decoded.ok) {
    throw new RpcError(
      "bad_reply",
      endpoint,
      `The reply of ${endpoint} to "${service}" is not one valid frame: ${
        decoded.ok ? `${frames.length} frames` : decoded.description
      }`,
    );
  }
  clock.receive(decoded.value.data.clock);
  return { ...decoded.value, sent: stamp };
}

/**
 * Like {@link rpc}, but a reply of service `"error"` (or any service other
 * than `service`) rejects too, with the server's description.
 */
export async function rpcOk(
  endpoint: string,
  service: string,
  data: WireMap,
  options: RpcOptions = {},
): Promise<RpcReply> {
  const reply = await rpc(endpoint, service, data, options);
  if (reply.service !== service) {
    throw new RpcError(
      "failed",
      endpoint,
      `${endpoint} refused "${service}": ${
        String(reply.data.description ?? reply.service)
      }`,
    );
  }
  return reply;
}
