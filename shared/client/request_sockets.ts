/**
 * REQ sockets to servers, reused while they behave and thrown away when a
 * request times out (zguide "Lazy Pirate": a REQ that missed its reply is
 * stuck mid-exchange, so it is closed and a fresh one opened next time).
 *
 * Several sockets per endpoint can be in use at once, so concurrent
 * requests (many web sessions over one client) do not queue behind each
 * other; the total is bounded and extra requests wait in a bounded line.
 *
 * @module
 */

import { Request, ZmqError } from "@agora/shared/zmq";
import { AgoraError } from "./errors.ts";

/** Options of {@linkcode RequestSockets}. */
export interface RequestSocketsOptions {
  /** Most sockets open at once, over all endpoints (default 64). */
  maxOpen?: number;
  /** Most idle sockets kept per endpoint for reuse (default 4). */
  maxIdlePerEndpoint?: number;
  /** Most requests waiting for a socket before new ones fail "busy" (default 10 000). */
  maxWaiting?: number;
}

/** Why one exchange failed: no reply in time, or the socket failed. */
export class ExchangeFailure extends Error {
  /** `"timeout"` when no reply came in time, `"socket"` for any other socket error. */
  readonly kind: "timeout" | "socket";

  /** Wraps the cause. */
  constructor(kind: "timeout" | "socket", message: string, cause?: unknown) {
    super(message, cause === undefined ? {} : { cause });
    this.name = "ExchangeFailure";
    this.kind = kind;
  }
}

/**
 * A bounded set of REQ sockets, keyed by endpoint.
 *
 * @example
 * ```ts
 * import { RequestSockets } from "@agora/shared/client";
 * const sockets = new RequestSockets();
 * // const [reply] = await sockets.exchange("tcp://127.0.0.1:5559", frame, 2000);
 * sockets.close();
 * ```
 */
export class RequestSockets {
  readonly #idle = new Map<string, Request[]>();
  readonly #open = new Set<Request>();
  readonly #waiting: Array<() => void> = [];
  readonly #maxOpen: number;
  readonly #maxIdle: number;
  readonly #maxWaiting: number;
  #closed = false;

  /** Creates an empty set; sockets are opened on demand. */
  constructor(options: RequestSocketsOptions = {}) {
    this.#maxOpen = Math.max(1, options.maxOpen ?? 64);
    this.#maxIdle = Math.max(0, options.maxIdlePerEndpoint ?? 4);
    this.#maxWaiting = Math.max(0, options.maxWaiting ?? 10_000);
  }

  /** Number of sockets open now (idle or in use). */
  get openCount(): number {
    return this.#open.size;
  }

  /**
   * Sends one request frame to `endpoint` and returns the reply's frames.
   * Rejects with an {@linkcode ExchangeFailure} (`"timeout"` after
   * `timeoutMs`, the socket then being closed), or an
   * {@linkcode AgoraError} `"closed"` / `"busy"`.
   */
  async exchange(
    endpoint: string,
    frame: Uint8Array,
    timeoutMs: number,
  ): Promise<Uint8Array[]> {
    const socket = await this.#take(endpoint);
    const timeout = Math.max(1, Math.floor(timeoutMs));
    try {
      socket.sendTimeout = timeout;
      socket.receiveTimeout = timeout;
      await socket.send(frame);
      const reply = await socket.receive();
      this.#give(endpoint, socket);
      return reply;
    } catch (error) {
      this.#discard(socket);
      if (this.#closed) {
        throw new AgoraError("The client is closed.", {
          code: "closed",
          endpoint,
          cause: error,
        });
      }
      if (error instanceof ZmqError && error.code === "ETIMEDOUT") {
        throw new ExchangeFailure(
          "timeout",
          `No reply from "${endpoint}" within ${timeout} ms.`,
          error,
        );
      }
      throw new ExchangeFailure(
        "socket",
        `The request to "${endpoint}" failed: ${_text(error)}`,
        error,
      );
    }
  }

  /** Closes every socket; requests in flight reject with `"closed"`. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#open) socket.close();
    this.#open.clear();
    this.#idle.clear();
    for (const wake of this.#waiting.splice(0)) wake();
  }

  async #take(endpoint: string): Promise<Request> {
    for (;;) {
      if (this.#closed) {
        throw new AgoraError("The client is closed.", {
          code: "closed",
          endpoint,
        });
      }
      const idle = this.#idle.get(endpoint);
      const reused = idle?.pop();
      if (reused !== undefined) return reused;
      if (this.#open.size < this.#maxOpen) return this.#openSocket(endpoint);
      // Free an idle socket of another endpoint rather than wait.
      if (this.#evictIdle()) continue;
      if (this.#waiting.length >= this.#maxWaiting) {
        throw new AgoraError(
          `Too many requests are waiting (${this.#waiting.length}).`,
          { code: "busy", endpoint },
        );
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #openSocket(endpoint: string): Request {
    const socket = new Request({ linger: 0 });
    try {
      socket.connect(endpoint);
    } catch (error) {
      socket.close();
      throw new ExchangeFailure(
        "socket",
        `Cannot connect to "${endpoint}": ${_text(error)}`,
        error,
      );
    }
    this.#open.add(socket);
    return socket;
  }

  #give(endpoint: string, socket: Request): void {
    if (this.#closed) {
      socket.close();
      return;
    }
    const idle = this.#idle.get(endpoint) ?? [];
    if (idle.length < this.#maxIdle) {
      idle.push(socket);
      this.#idle.set(endpoint, idle);
    } else {
      this.#discard(socket);
      return;
    }
    this.#wakeOne();
  }

  #discard(socket: Request): void {
    socket.close();
    this.#open.delete(socket);
    this.#wakeOne();
  }

  #evictIdle(): boolean {
    for (const [endpoint, idle] of this.#idle) {
      const socket = idle.pop();
      if (idle.length === 0) this.#idle.delete(endpoint);
      if (socket !== undefined) {
        socket.close();
        this.#open.delete(socket);
        return true;
      }
    }
    return false;
  }

  #wakeOne(): void {
    this.#waiting.shift()?.();
  }
}

function _text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
