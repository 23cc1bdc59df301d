/**
 * What a socket type can do, as base classes: duplex sockets send and
 * receive, a PUB only sends, a SUB only receives.
 *
 * @module
 */

import type { MessageLike } from "./frames.ts";
import { MessageIterator, Socket } from "./socket.ts";

/** A socket that can send and receive. */
export abstract class DuplexSocket extends Socket {
  /**
   * Sends one message: a frame or an array of frames (multipart). Strings
   * are sent as UTF-8. Resolves once libzmq has queued it; rejects with
   * code `"ETIMEDOUT"` after {@linkcode Socket.sendTimeout} ms of back-pressure,
   * `"ECLOSED"` if the socket closes first, `"EFSM"` when the pattern forbids
   * sending now (e.g. a REQ awaiting its reply).
   */
  send(message: MessageLike): Promise<void> {
    return this.sendMessage(message);
  }

  /**
   * Receives one message as its frames. Rejects with code `"ETIMEDOUT"`
   * after {@linkcode Socket.receiveTimeout} ms, `"ECLOSED"` if the socket
   * closes first.
   */
  receive(): Promise<Uint8Array[]> {
    return this.core.receive();
  }

  /** Iterates over received messages; ends when the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array[]> {
    return new MessageIterator(this.core);
  }
}

/** A socket that only sends. */
export abstract class WritableSocket extends Socket {
  /** Sends one message (see {@linkcode DuplexSocket.send}). */
  send(message: MessageLike): Promise<void> {
    return this.sendMessage(message);
  }
}

/** A socket that only receives. */
export abstract class ReadableSocket extends Socket {
  /** Receives one message (see {@linkcode DuplexSocket.receive}). */
  receive(): Promise<Uint8Array[]> {
    return this.core.receive();
  }

  /** Iterates over received messages; ends when the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array[]> {
    return new MessageIterator(this.core);
  }
}
