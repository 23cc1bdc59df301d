/**
 * PAIR sockets.
 *
 * @module
 */

import { SocketType } from "./constants.ts";
import type { SocketOptions } from "./socket.ts";
import { DuplexSocket } from "./socket_roles.ts";

/** A PAIR socket: one exclusive peer, both directions, no message is dropped (back-pressure instead). */
export class Pair extends DuplexSocket {
  /** Opens a PAIR socket. */
  constructor(options?: SocketOptions) {
    super(SocketType.PAIR, "PAIR socket");
    this.configure(options);
  }
}
