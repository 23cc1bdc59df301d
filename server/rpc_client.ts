/**
 * Requests to one endpoint (a peer's ROUTER or the reference's REP) with a
 * timeout each, several in flight at once.
 *
 * A DEALER sends `[id, "", body]`; REP and ROUTER peers echo every frame
 * before the body, so the reply comes back as `[id, "", reply]` and is
 * matched by `id`. Late replies (after their timeout) are dropped. After a
 * timeout the socket is thrown away and the next request opens a new one
 * (zguide "Lazy Pirate"): a REP peer that lost a request would otherwise
 * hold the others behind it, and nothing queued for a dead peer is
 * delivered late when it comes back. `immediate` keeps requests off
 * connections that are not up, so they time out instead of waiting in a
 * queue.
 *
 * @example
 * ```ts
 * import { RpcClient } from "./rpc_client.ts";
 * const rpc = new RpcClient("tcp://127.0.0.1:5559", { timeoutMs: 1000 });
 * try {
 *   const reply = await rpc.call(new TextEncoder().encode("..."));
 * } catch {
 *   // timed out or closed
 * } finally {
 *   rpc.close();
 * }
 * ```
 *
 * @module
 */

import { Dealer, ZmqError } from "@agora/shared/zmq";
import type { CurveKeys } from "./curve_config.ts";

/** Options of an {@link RpcClient}. */
export interface RpcClientOptions {
  /** Default timeout of a request, ms. */
  timeoutMs: number;
  /** Largest reply accepted, bytes (default 32 MiB). */
  maxReplyBytes?: number;
  /**
   * Connect as a CURVE client of a server holding this pair's secret key,
   * presenting the same pair (the cluster key pair, `curve_config.ts`).
   */
  curve?: CurveKeys;
}

interface InFlight {
  resolve(body: Uint8Array): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

const EMPTY = new Uint8Array(0);

/** Request/reply with timeouts over a DEALER (see the module docs). */
export class RpcClient {
  /** The endpoint requests go to. */
  readonly endpoint: string;
  readonly #timeoutMs: number;
  readonly #maxReplyBytes: number;
  readonly #curve: CurveKeys | undefined;
  readonly #inFlight = new Map<number, InFlight>();
  #socket: Dealer | undefined;
  #nextId = 1;
  #closed = false;

  /** Creates the client; the socket opens on the first request. */
  constructor(endpoint: string, options: RpcClientOptions) {
    this.endpoint = endpoint;
    this.#timeoutMs = options.timeoutMs;
    this.#maxReplyBytes = options.maxReplyBytes ?? 32 * 1024 * 1024;
    this.#curve = options.curve;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Sends one request frame; resolves with the reply frame. Rejects with a
   * `ZmqError` code `"ETIMEDOUT"` after `timeoutMs`, `"ECLOSED"` once closed.
   */
  call(body: Uint8Array, timeoutMs = this.#timeoutMs): Promise<Uint8Array> {
    if (this.#closed) {
      return Promise.reject(
        new ZmqError(`Cannot send a request to "${this.endpoint}": closed`, {
          code: "ECLOSED",
        }),
      );
    }
    let socket: Dealer;
    try {
      socket = this.#socket ?? this.#open();
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.#nextId;
    this.#nextId = id >= 0x7fffffff ? 1 : id + 1;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#inFlight.delete(id)) return;
        reject(
          new ZmqError(
            `Request to "${this.endpoint}" timed out after ${timeoutMs} ms`,
            { code: "ETIMEDOUT" },
          ),
        );
        this.#reset();
      }, timeoutMs);
      this.#inFlight.set(id, { resolve, reject, timer });
      socket.send([idFrame(id), EMPTY, body]).catch((error) => {
        const waiter = this.#inFlight.get(id);
        if (!waiter) return;
        this.#inFlight.delete(id);
        clearTimeout(waiter.timer);
        waiter.reject(error);
      });
    });
  }

  /** Closes the socket; requests in flight reject with `"ECLOSED"`. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket?.close();
    this.#socket = undefined;
    this.#failAll("closed");
  }

  #open(): Dealer {
    const curve = this.#curve;
    const socket = new Dealer({
      ...(curve === undefined ? {} : {
        curveServerKey: curve.publicKey,
        curvePublicKey: curve.publicKey,
        curveSecretKey: curve.secretKey,
      }),
      linger: 0,
      immediate: true,
      // Timeouts are ours; the send queue must not outlive them.
      sendTimeout: this.#timeoutMs,
      reconnectInterval: 100,
      reconnectMaxInterval: 1000,
      maxMessageSize: this.#maxReplyBytes,
    });
    try {
      socket.connect(this.endpoint);
    } catch (error) {
      socket.close();
      throw error;
    }
    this.#socket = socket;
    this.#read(socket);
    return socket;
  }

  async #read(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        if (frames.length < 2) continue;
        const id = readId(frames[0]);
        const waiter = id === undefined ? undefined : this.#inFlight.get(id);
        if (waiter === undefined || id === undefined) continue;
        this.#inFlight.delete(id);
        clearTimeout(waiter.timer);
        waiter.resolve(frames[frames.length - 1]);
      }
    } catch {
      // The socket failed: requests in flight time out or were reset.
    }
  }

  /** Drops the socket after a timeout (Lazy Pirate); others in flight fail too. */
  #reset(): void {
    this.#socket?.close();
    this.#socket = undefined;
    this.#failAll("reset after a timeout");
  }

  #failAll(why: string): void {
    for (const [id, waiter] of this.#inFlight) {
      this.#inFlight.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(
        new ZmqError(`Request to "${this.endpoint}" failed: ${why}`, {
          code: "ECLOSED",
        }),
      );
    }
  }
}

function idFrame(id: number): Uint8Array {
  const frame = new Uint8Array(4);
  new DataView(frame.buffer).setUint32(0, id);
  return frame;
}

function readId(frame: Uint8Array): number | undefined {
  if (frame.length !== 4) return undefined;
  return new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0);
}
