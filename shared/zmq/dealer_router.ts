/**
 * DEALER and ROUTER sockets.
 *
 * @module
 */

import { SocketOption, SocketType } from "./constants.ts";
import { setIntOption } from "./native.ts";
import type { SocketOptions } from "./socket.ts";
import { DuplexSocket } from "./socket_roles.ts";

/**
 * A DEALER socket: asynchronous requests, round-robined over peers, with
 * replies fair-queued. Talking to a REP, frame a request as `["", ...body]`.
 */
export class Dealer extends DuplexSocket {
  /** Opens a DEALER socket. */
  constructor(options?: SocketOptions) {
    super(SocketType.DEALER, "DEALER socket");
    this.configure(options);
  }
}

/** Options of a {@linkcode Router} socket. */
export interface RouterOptions extends SocketOptions {
  /** `ZMQ_ROUTER_MANDATORY`: sending to an unknown routing id rejects with `"EHOSTUNREACH"` instead of dropping. */
  mandatory?: boolean;
  /** `ZMQ_ROUTER_HANDOVER`: a new connection with a known routing id takes it over. */
  handover?: boolean;
}

/**
 * A ROUTER socket: every received message starts with the sender's routing
 * id frame; a reply is sent as `[routingId, ...frames]`.
 *
 * @example
 * ```ts
 * import { Router } from "@agora/shared/zmq";
 * const router = new Router();
 * await router.bind("tcp://127.0.0.1:*");
 * for await (const [id, empty, body] of router) await router.send([id, empty, body]);
 * ```
 */
export class Router extends DuplexSocket {
  #mandatory = false;
  #handover = false;

  /** Opens a ROUTER socket. */
  constructor(options?: RouterOptions) {
    super(SocketType.ROUTER, "ROUTER socket");
    this.configure(options);
  }

  /** `ZMQ_ROUTER_MANDATORY` (write-only in libzmq; reads back what was set). */
  get mandatory(): boolean {
    return this.#mandatory;
  }
  set mandatory(value: boolean) {
    setIntOption(
      this.core.handle("set mandatory"),
      SocketOption.ROUTER_MANDATORY,
      value ? 1 : 0,
      "mandatory",
    );
    this.#mandatory = value;
  }

  /** `ZMQ_ROUTER_HANDOVER` (write-only in libzmq; reads back what was set). */
  get handover(): boolean {
    return this.#handover;
  }
  set handover(value: boolean) {
    setIntOption(
      this.core.handle("set handover"),
      SocketOption.ROUTER_HANDOVER,
      value ? 1 : 0,
      "handover",
    );
    this.#handover = value;
  }
}
