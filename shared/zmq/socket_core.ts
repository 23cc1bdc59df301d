/**
 * The machinery behind every socket: the libzmq handle, the queues of
 * pending receives and sends, and their interplay with the reactor.
 *
 * Operations try libzmq first and only queue a waiter on EAGAIN (ZMQ_FD is
 * edge-triggered: waiting first could sleep through a message that is
 * already there). Waiters are served in order.
 *
 * @module
 */

import {
  POLLIN,
  POLLOUT,
  SocketOption,
  type SocketTypeNumber,
} from "./constants.ts";
import {
  type Closable,
  contextHandle,
  registerSocket,
  unregisterSocket,
} from "./context.ts";
import { closedError, timeoutError, ZmqError } from "./errors.ts";
import { library } from "./library.ts";
import {
  getIntOption,
  type Handle,
  lastError,
  prepareSocket,
  readEvents,
  receiveFrames,
  sendFrames,
  setIntOption,
} from "./native.ts";
import { reactor, type Watchable } from "./reactor.ts";

/** An infinite `ZMQ_LINGER` is replaced by this on close, so terminating can never hang. */
export const INFINITE_LINGER_CAP_MS = 30_000;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface SendWaiter extends Waiter<void> {
  frames: Uint8Array[];
}

/** Handle, queues and reactor glue of one socket. */
export class SocketCore implements Watchable, Closable {
  /** `ZMQ_FD`, polled by the reactor. */
  readonly fd: number;
  /** "REP socket" etc., for messages. */
  readonly label: string;
  /** Rejects a queued send after this many ms (-1: never). */
  sendTimeoutMs = -1;
  /** Rejects a queued receive after this many ms (-1: never). */
  receiveTimeoutMs = -1;
  #handle: Handle | null;
  readonly #receivers: Waiter<Uint8Array[]>[] = [];
  readonly #senders: SendWaiter[] = [];

  /** Opens a libzmq socket of `type` in the process context. */
  constructor(type: SocketTypeNumber, label: string) {
    this.label = label;
    const handle = library().symbols.zmq_socket(contextHandle(), type);
    if (!handle) throw lastError(`create a ${label}`);
    this.#handle = handle;
    try {
      prepareSocket(handle);
      this.fd = getIntOption(handle, SocketOption.FD, "ZMQ_FD");
    } catch (e) {
      library().symbols.zmq_close(handle);
      throw e;
    }
    registerSocket(this);
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#handle === null;
  }

  /** The handle, or an ECLOSED error naming `action`. */
  handle(action: string, endpoint?: string): Handle {
    if (this.#handle === null) throw closedError(action, endpoint);
    return this.#handle;
  }

  /** Receives one multipart message. */
  receive(): Promise<Uint8Array[]> {
    const handle = this.#handle;
    if (handle === null) {
      return Promise.reject(closedError(`receive on the ${this.label}`));
    }
    let now: Uint8Array[] | null | undefined;
    try {
      now = this.#receiveNow(handle);
    } catch (e) {
      return Promise.reject(e);
    }
    if (now) return Promise.resolve(now);
    const waiter = { timer: undefined } as Waiter<Uint8Array[]>;
    return this.#queue(
      this.#receivers,
      waiter,
      this.receiveTimeoutMs,
      "receive",
      now === null,
    );
  }

  /**
   * Receives at once when no receive waits ahead and the budget allows:
   * the frames, `null` after an EAGAIN, `undefined` when not tried.
   */
  #receiveNow(handle: Handle): Uint8Array[] | null | undefined {
    if (this.#receivers.length > 0 || !reactor.take()) return undefined;
    const frames = receiveFrames(handle);
    if (this.#senders.length > 0) reactor.markDirty(this);
    return frames;
  }

  /** Sends one multipart message (frames already normalised). */
  send(frames: Uint8Array[]): Promise<void> {
    const handle = this.#handle;
    if (handle === null) {
      return Promise.reject(closedError(`send on the ${this.label}`));
    }
    let tried = false;
    if (this.#senders.length === 0 && reactor.take(false)) {
      tried = true;
      let sent: boolean;
      try {
        sent = sendFrames(handle, frames);
      } catch (e) {
        return Promise.reject(e);
      }
      if (this.#receivers.length > 0) reactor.markDirty(this);
      if (sent) return Promise.resolve();
    }
    const waiter = { frames, timer: undefined } as SendWaiter;
    return this.#queue(
      this.#senders,
      waiter,
      this.sendTimeoutMs,
      "send",
      tried,
    );
  }

  /**
   * Queues a waiter. After an EAGAIN the reactor watches the socket; an
   * operation that was not tried (others queued first, or no budget left)
   * is served after the next macrotask boundary.
   */
  #queue<T, W extends Waiter<T>>(
    queue: W[],
    waiter: W,
    timeoutMs: number,
    verb: string,
    tried: boolean,
  ): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#enqueue(queue, waiter, timeoutMs, verb, tried);
    return promise;
  }

  /** Queues a waiter whose resolve/reject are set; see {@linkcode #queue}. */
  #enqueue<W extends Waiter<never>>(
    queue: W[],
    waiter: W,
    timeoutMs: number,
    verb: string,
    tried: boolean,
  ): void {
    if (timeoutMs >= 0) {
      waiter.timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        waiter.reject(timeoutError(`${verb} on the ${this.label}`, timeoutMs));
        // Nothing may be left to wait for: let the reactor end a parked poll.
        reactor.recheck();
      }, timeoutMs);
    }
    queue.push(waiter);
    if (tried) reactor.watch(this);
    else reactor.defer(this);
  }

  /**
   * `receive()` for async iteration: resolves iterator results, and `done`
   * (instead of rejecting with ECLOSED) once the socket closes. Resolving
   * the result directly saves the extra promise and microtask of `.then`.
   */
  next(): Promise<IteratorResult<Uint8Array[]>> {
    const handle = this.#handle;
    if (handle === null) {
      return Promise.resolve({ done: true, value: undefined });
    }
    let now: Uint8Array[] | null | undefined;
    try {
      now = this.#receiveNow(handle);
    } catch (e) {
      return Promise.reject(e);
    }
    if (now) return Promise.resolve({ done: false, value: now });
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Uint8Array[]> = {
        timer: undefined,
        resolve: (value) => resolve({ done: false, value }),
        reject: (error) => {
          if (error instanceof ZmqError && error.code === "ECLOSED") {
            resolve({ done: true, value: undefined });
          } else reject(error);
        },
      };
      this.#enqueue(
        this.#receivers,
        waiter,
        this.receiveTimeoutMs,
        "receive",
        now === null,
      );
    });
  }

  /** Whether any receive or send is queued. */
  hasWaiters(): boolean {
    return this.#receivers.length > 0 || this.#senders.length > 0;
  }

  /**
   * Serves queued waiters while libzmq can, oldest first, and leaves
   * `ZMQ_FD` armed for the ones that remain (or defers when the budget runs
   * out).
   *
   * Operations are simply tried (a `ZMQ_EVENTS` read before each would cost
   * ~2 syscalls per message). Arming: a receive that fails with EAGAIN has
   * just processed libzmq's pending commands unthrottled, so the fd will
   * signal the next arrival; a send that fails may not have (its command
   * processing is throttled), so with senders waiting the loop ends with a
   * `ZMQ_EVENTS` read, which processes them and re-arms the fd.
   */
  serve(): void {
    const handle = this.#handle;
    if (handle === null) return;
    // The last pass was a retry on ZMQ_EVENTS' word alone.
    let retriedOnEvents = false;
    for (;;) {
      let progressed = false;
      while (this.#receivers.length > 0) {
        if (!reactor.take()) return reactor.defer(this);
        const waiter = this.#receivers[0];
        let frames: Uint8Array[] | null;
        try {
          frames = receiveFrames(handle);
        } catch (e) {
          this.#settle(this.#receivers, waiter).reject(e);
          progressed = true;
          continue;
        }
        if (frames === null) break;
        this.#settle(this.#receivers, waiter).resolve(frames);
        progressed = true;
      }
      while (this.#senders.length > 0) {
        if (!reactor.take(false)) return reactor.defer(this);
        const waiter = this.#senders[0];
        let sent: boolean;
        try {
          sent = sendFrames(handle, waiter.frames);
        } catch (e) {
          this.#settle(this.#senders, waiter).reject(e);
          progressed = true;
          continue;
        }
        if (!sent) break;
        this.#settle(this.#senders, waiter).resolve();
        progressed = true;
      }
      if (!this.hasWaiters()) return;
      if (progressed) {
        retriedOnEvents = false;
        continue;
      }
      // Every waiting direction just failed with EAGAIN.
      if (this.#senders.length === 0) break;
      const events = readEvents(handle);
      const ready = ((events & POLLIN) !== 0 && this.#receivers.length > 0) ||
        ((events & POLLOUT) !== 0 && this.#senders.length > 0);
      // ZMQ_EVENTS can say POLLOUT while the send still fails: a ROUTER with
      // `mandatory` when another peer has room, a PUB/XPUB with `noDrop`
      // always. A retry on its word that moved nothing is not repeated, or
      // this loop would spin (and starve every other socket of the budget).
      // The read just processed every pending command, so the fd signals
      // the next change.
      if (!ready || retriedOnEvents) break;
      retriedOnEvents = true;
    }
    reactor.watch(this);
  }

  /**
   * libzmq processed this socket's commands outside a send or receive
   * (`zmq_bind`, `zmq_connect`, …), which can consume the fd's signal for a
   * message a waiter wants: serve the waiters again before sleeping.
   */
  commandsProcessed(): void {
    if (this.#handle !== null && this.hasWaiters()) reactor.markDirty(this);
  }

  #settle<W extends Waiter<unknown>>(queue: W[], waiter: W): W {
    queue.shift();
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    return waiter;
  }

  /** Closes with the socket's own linger (an infinite one capped at {@linkcode INFINITE_LINGER_CAP_MS}). */
  close(): void {
    this.closeWithLinger(INFINITE_LINGER_CAP_MS);
  }

  /** Closes with `ZMQ_LINGER` at most `maxLingerMs`; pending operations reject with ECLOSED. */
  closeWithLinger(maxLingerMs: number): void {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    try {
      const linger = getIntOption(handle, SocketOption.LINGER, "linger");
      if (linger < 0 || linger > maxLingerMs) {
        setIntOption(handle, SocketOption.LINGER, maxLingerMs, "linger");
      }
    } catch {
      // Closing must go on even if the option cannot be read.
    }
    library().symbols.zmq_close(handle);
    unregisterSocket(this);
    reactor.forget(this);
    for (const waiter of this.#receivers.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(closedError(`receive on the ${this.label}`));
    }
    for (const waiter of this.#senders.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(closedError(`send on the ${this.label}`));
    }
  }
}
