/**
 * REQ and REP sockets.
 *
 * @module
 */

import { SocketOption, SocketType } from "./constants.ts";
import { setIntOption } from "./native.ts";
import type { SocketOptions } from "./socket.ts";
import { DuplexSocket } from "./socket_roles.ts";

/** Options of a {@linkcode Request} socket. */
export interface RequestOptions extends SocketOptions {
  /** `ZMQ_REQ_RELAXED`: allow a new request before the reply came (Lazy Pirate without reopening). */
  relaxed?: boolean;
  /** `ZMQ_REQ_CORRELATE`: tag requests so stale replies are dropped (use with `relaxed`). */
  correlate?: boolean;
}

/**
 * A REQ socket: strictly alternates `send` and `receive`; requests are
 * round-robined over connected REP/ROUTER peers.
 *
 * @example
 * ```ts
 * import { Request } from "@agora/shared/zmq";
 * const req = new Request({ receiveTimeout: 1000 });
 * req.connect("tcp://127.0.0.1:5559");
 * await req.send("ping");
 * const [reply] = await req.receive();
 * req.close();
 * ```
 */
export class Request extends DuplexSocket {
  #relaxed = false;
  #correlate = false;

  /** Opens a REQ socket. */
  constructor(options?: RequestOptions) {
    super(SocketType.REQ, "REQ socket");
    this.configure(options);
  }

  /** `ZMQ_REQ_RELAXED` (write-only in libzmq; reads back what was set). */
  get relaxed(): boolean {
    return this.#relaxed;
  }
  set relaxed(value: boolean) {
    setIntOption(
      this.core.handle("set relaxed"),
      SocketOption.REQ_RELAXED,
      value ? 1 : 0,
      "relaxed",
    );
    this.#relaxed = value;
  }

  /** `ZMQ_REQ_CORRELATE` (write-only in libzmq; reads back what was set). */
  get correlate(): boolean {
    return this.#correlate;
  }
  set correlate(value: boolean) {
    setIntOption(
      this.core.handle("set correlate"),
      SocketOption.REQ_CORRELATE,
      value ? 1 : 0,
      "correlate",
    );
    this.#correlate = value;
  }
}

/**
 * A REP socket: receives a request, then must send exactly one reply.
 *
 * @example
 * ```ts
 * import { Reply } from "@agora/shared/zmq";
 * const rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * for await (const [request] of rep) await rep.send(request);
 * ```
 */
export class Reply extends DuplexSocket {
  /** Opens a REP socket. */
  constructor(options?: SocketOptions) {
    super(SocketType.REP, "REP socket");
    this.configure(options);
  }
}
