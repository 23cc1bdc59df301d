/**
 * The base class of every socket: lifecycle (bind, connect, close) and the
 * options shared by all types, as typed properties whose JSDoc names the
 * libzmq option. Send and receive are exposed by the subclasses that can do
 * them, so a Publisher has no `receive` in its type.
 *
 * @module
 */

import {
  SocketOption,
  type SocketTypeNumber,
  TIMEOUT_MAX_MS,
} from "./constants.ts";
import { ZmqError } from "./errors.ts";
import type { MessageLike } from "./frames.ts";
import { toFrames } from "./frames.ts";
import { library } from "./library.ts";
import {
  cString,
  getBytesOption,
  getInt64Option,
  getIntOption,
  getStringOption,
  lastError,
  setBytesOption,
  setInt64Option,
  setIntOption,
} from "./native.ts";
import { SocketCore } from "./socket_core.ts";

/** Options every socket accepts (constructor argument or properties). */
export interface SocketOptions {
  /** `ZMQ_LINGER`: ms to keep unsent messages after close (default 0; -1 is capped at 30 s on close). */
  linger?: number;
  /** `ZMQ_SNDHWM`: queued outgoing messages per peer before sends block or drop (0 = no limit). */
  sendHighWaterMark?: number;
  /** `ZMQ_RCVHWM`: queued incoming messages per peer (0 = no limit). */
  receiveHighWaterMark?: number;
  /** `ZMQ_ROUTING_ID`: identity announced to a ROUTER peer (set before connecting). */
  routingId?: string | Uint8Array;
  /** `ZMQ_RECONNECT_IVL`: ms before reconnecting a dropped connection. */
  reconnectInterval?: number;
  /** `ZMQ_RECONNECT_IVL_MAX`: upper bound (ms) of exponential reconnect back-off (0 = none). */
  reconnectMaxInterval?: number;
  /** `ZMQ_HEARTBEAT_IVL`: ms between ZMTP PING heartbeats (0 = off). */
  heartbeatInterval?: number;
  /** `ZMQ_HEARTBEAT_TIMEOUT`: ms without traffic after a PING before the connection is dropped. */
  heartbeatTimeout?: number;
  /** `ZMQ_HEARTBEAT_TTL`: ms the peer should wait for traffic before dropping us. */
  heartbeatTimeToLive?: number;
  /** `ZMQ_MAXMSGSIZE` (int64): largest accepted message in bytes; a bigger one drops the peer (-1 = none). */
  maxMessageSize?: number;
  /** `ZMQ_IMMEDIATE`: queue messages only to completed connections. */
  immediate?: boolean;
  /** ms a queued `send` may wait before rejecting with code `"ETIMEDOUT"` (-1 = forever). */
  sendTimeout?: number;
  /** ms a queued `receive` may wait before rejecting with code `"ETIMEDOUT"` (-1 = forever). */
  receiveTimeout?: number;
  /** `ZMQ_CURVE_SERVER`: act as CURVE server (needs `curveSecretKey`). */
  curveServer?: boolean;
  /** `ZMQ_CURVE_PUBLICKEY`: our long-term public key (Z85 text or 32 bytes). */
  curvePublicKey?: string | Uint8Array;
  /** `ZMQ_CURVE_SECRETKEY`: our long-term secret key (Z85 text or 32 bytes). */
  curveSecretKey?: string | Uint8Array;
  /** `ZMQ_CURVE_SERVERKEY`: the server's public key, for a CURVE client. */
  curveServerKey?: string | Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function keyBytes(key: string | Uint8Array, name: string): Uint8Array {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  if (bytes.byteLength !== 32 && bytes.byteLength !== 40) {
    throw new ZmqError(
      `Could not set ${name}: a CURVE key is 40 Z85 characters or 32 bytes, got ${bytes.byteLength}`,
      {
        code: "EINVAL",
      },
    );
  }
  return bytes;
}

function timeoutValue(value: number, name: string): number {
  // Above the maximum a timer would fire after 1 ms, not after the value.
  if (!Number.isInteger(value) || value < -1 || value > TIMEOUT_MAX_MS) {
    throw new ZmqError(
      `Could not set ${name}: expected an integer from -1 to ${TIMEOUT_MAX_MS} (ms), got ${
        JSON.stringify(value)
      }`,
      {
        code: "EINVAL",
      },
    );
  }
  return value;
}

/**
 * A ZeroMQ socket. Not constructed directly: use {@linkcode Reply},
 * {@linkcode Request}, {@linkcode Dealer}, {@linkcode Router},
 * {@linkcode Publisher}, {@linkcode Subscriber}, {@linkcode XPublisher},
 * {@linkcode XSubscriber} or {@linkcode Pair}.
 */
export abstract class Socket {
  /** @internal The handle, queues and reactor glue. */
  protected readonly core: SocketCore;

  /** Opens a socket of the given libzmq type (subclasses then call {@linkcode configure}). */
  protected constructor(type: SocketTypeNumber, label: string) {
    this.core = new SocketCore(type, label);
  }

  /**
   * @internal Applies constructor options; called at the end of each
   * concrete constructor, once subclass fields exist. Closes the socket and
   * rethrows if an option is unknown or rejected.
   */
  protected configure(options: object | undefined): void {
    if (options === undefined) return;
    try {
      for (const [name, value] of Object.entries(options)) {
        if (value === undefined) continue;
        if (!hasSetter(this, name)) {
          throw new ZmqError(
            `Could not create ${this.core.label}: unknown option "${name}"`,
            { code: "EINVAL" },
          );
        }
        (this as unknown as Record<string, unknown>)[name] = value;
      }
    } catch (e) {
      this.core.close();
      throw e;
    }
  }

  /** Whether the socket has been closed. */
  get closed(): boolean {
    return this.core.closed;
  }

  /** `ZMQ_LAST_ENDPOINT`: the last endpoint bound or connected, with the real port for `:*` binds ("" if none). */
  get lastEndpoint(): string {
    return getStringOption(
      this.core.handle("read lastEndpoint"),
      SocketOption.LAST_ENDPOINT,
      1024,
      "lastEndpoint",
    );
  }

  /**
   * Binds to an endpoint (`tcp://127.0.0.1:*` picks a free port; read
   * {@linkcode lastEndpoint}). Rejects with code `"EADDRINUSE"`,
   * `"EINVAL"` (malformed), `"EPROTONOSUPPORT"`, `"ENODEV"`, ….
   */
  bind(endpoint: string): Promise<void> {
    try {
      this.#endpointCall("zmq_bind", "bind", endpoint);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Stops listening on an endpoint bound before (use the resolved
   * {@linkcode lastEndpoint} for `:*` binds). libzmq closes the listener on
   * its I/O thread, so the port is free a moment after this resolves.
   */
  unbind(endpoint: string): Promise<void> {
    try {
      this.#endpointCall("zmq_unbind", "unbind", endpoint);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Connects to an endpoint; the connection is made (and remade) in the background. */
  connect(endpoint: string): void {
    this.#endpointCall("zmq_connect", "connect", endpoint);
  }

  /** Drops a connection made with {@linkcode connect}. */
  disconnect(endpoint: string): void {
    this.#endpointCall("zmq_disconnect", "disconnect", endpoint);
  }

  #endpointCall(
    fn: "zmq_bind" | "zmq_unbind" | "zmq_connect" | "zmq_disconnect",
    verb: string,
    endpoint: string,
  ): void {
    const action = `${verb} ${this.core.label} ${
      verb === "bind" ? "to" : verb === "connect" ? "to" : "from"
    } "${endpoint}"`;
    if (typeof endpoint !== "string") {
      throw new ZmqError(`Could not ${verb}: the endpoint must be a string`, {
        code: "EINVAL",
      });
    }
    const handle = this.core.handle(action, endpoint);
    const rc = library().symbols[fn](handle, cString(endpoint));
    const error = rc !== 0 ? lastError(action, endpoint) : undefined;
    // Each of these starts with libzmq processing the socket's commands,
    // which can use up the only wake-up of a message a receive waits for.
    this.core.commandsProcessed();
    if (error) throw error;
  }

  /**
   * Closes the socket. Pending `receive`/`send` calls reject with code
   * `"ECLOSED"` and async iteration ends. Unsent messages linger for
   * {@linkcode linger} ms in the background. Closing twice is a no-op.
   */
  close(): void {
    this.core.close();
  }

  /** @internal Sends through the core (exposed by writable subclasses). */
  protected sendMessage(message: MessageLike): Promise<void> {
    let frames: Uint8Array[];
    try {
      frames = toFrames(message);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.core.send(frames);
  }

  #int(option: number, name: string): number {
    return getIntOption(this.core.handle(`read ${name}`), option, name);
  }

  #setInt(option: number, name: string, value: number): void {
    setIntOption(this.core.handle(`set ${name}`), option, value, name);
  }

  /** `ZMQ_LINGER` in ms (see {@linkcode SocketOptions.linger}). */
  get linger(): number {
    return this.#int(SocketOption.LINGER, "linger");
  }
  set linger(value: number) {
    this.#setInt(SocketOption.LINGER, "linger", value);
  }

  /** `ZMQ_SNDHWM` (see {@linkcode SocketOptions.sendHighWaterMark}). */
  get sendHighWaterMark(): number {
    return this.#int(SocketOption.SNDHWM, "sendHighWaterMark");
  }
  set sendHighWaterMark(value: number) {
    this.#setInt(SocketOption.SNDHWM, "sendHighWaterMark", value);
  }

  /** `ZMQ_RCVHWM` (see {@linkcode SocketOptions.receiveHighWaterMark}). */
  get receiveHighWaterMark(): number {
    return this.#int(SocketOption.RCVHWM, "receiveHighWaterMark");
  }
  set receiveHighWaterMark(value: number) {
    this.#setInt(SocketOption.RCVHWM, "receiveHighWaterMark", value);
  }

  /** `ZMQ_ROUTING_ID`, read back as UTF-8 text (see {@linkcode SocketOptions.routingId}). */
  get routingId(): string {
    return decoder.decode(
      getBytesOption(
        this.core.handle("read routingId"),
        SocketOption.ROUTING_ID,
        255,
        "routingId",
      ),
    );
  }
  set routingId(value: string | Uint8Array) {
    const bytes = typeof value === "string" ? encoder.encode(value) : value;
    setBytesOption(
      this.core.handle("set routingId"),
      SocketOption.ROUTING_ID,
      bytes,
      "routingId",
    );
  }

  /** `ZMQ_RECONNECT_IVL` in ms. */
  get reconnectInterval(): number {
    return this.#int(SocketOption.RECONNECT_IVL, "reconnectInterval");
  }
  set reconnectInterval(value: number) {
    this.#setInt(SocketOption.RECONNECT_IVL, "reconnectInterval", value);
  }

  /** `ZMQ_RECONNECT_IVL_MAX` in ms. */
  get reconnectMaxInterval(): number {
    return this.#int(SocketOption.RECONNECT_IVL_MAX, "reconnectMaxInterval");
  }
  set reconnectMaxInterval(value: number) {
    this.#setInt(SocketOption.RECONNECT_IVL_MAX, "reconnectMaxInterval", value);
  }

  /** `ZMQ_HEARTBEAT_IVL` in ms. */
  get heartbeatInterval(): number {
    return this.#int(SocketOption.HEARTBEAT_IVL, "heartbeatInterval");
  }
  set heartbeatInterval(value: number) {
    this.#setInt(SocketOption.HEARTBEAT_IVL, "heartbeatInterval", value);
  }

  /** `ZMQ_HEARTBEAT_TIMEOUT` in ms. */
  get heartbeatTimeout(): number {
    return this.#int(SocketOption.HEARTBEAT_TIMEOUT, "heartbeatTimeout");
  }
  set heartbeatTimeout(value: number) {
    this.#setInt(SocketOption.HEARTBEAT_TIMEOUT, "heartbeatTimeout", value);
  }

  /** `ZMQ_HEARTBEAT_TTL` in ms (libzmq keeps it in tenths of a second). */
  get heartbeatTimeToLive(): number {
    return this.#int(SocketOption.HEARTBEAT_TTL, "heartbeatTimeToLive");
  }
  set heartbeatTimeToLive(value: number) {
    this.#setInt(SocketOption.HEARTBEAT_TTL, "heartbeatTimeToLive", value);
  }

  /** `ZMQ_MAXMSGSIZE` in bytes (int64; -1 = no limit). */
  get maxMessageSize(): number {
    return getInt64Option(
      this.core.handle("read maxMessageSize"),
      SocketOption.MAXMSGSIZE,
      "maxMessageSize",
    );
  }
  set maxMessageSize(value: number) {
    setInt64Option(
      this.core.handle("set maxMessageSize"),
      SocketOption.MAXMSGSIZE,
      value,
      "maxMessageSize",
    );
  }

  /** `ZMQ_IMMEDIATE`. */
  get immediate(): boolean {
    return this.#int(SocketOption.IMMEDIATE, "immediate") !== 0;
  }
  set immediate(value: boolean) {
    this.#setInt(SocketOption.IMMEDIATE, "immediate", value ? 1 : 0);
  }

  /** ms a queued send may wait before rejecting with ETIMEDOUT (-1 = forever). */
  get sendTimeout(): number {
    return this.core.sendTimeoutMs;
  }
  set sendTimeout(value: number) {
    this.core.sendTimeoutMs = timeoutValue(value, "sendTimeout");
  }

  /** ms a queued receive may wait before rejecting with ETIMEDOUT (-1 = forever). */
  get receiveTimeout(): number {
    return this.core.receiveTimeoutMs;
  }
  set receiveTimeout(value: number) {
    this.core.receiveTimeoutMs = timeoutValue(value, "receiveTimeout");
  }

  /** `ZMQ_CURVE_SERVER`. */
  get curveServer(): boolean {
    return this.#int(SocketOption.CURVE_SERVER, "curveServer") !== 0;
  }
  set curveServer(value: boolean) {
    this.#requireCurve("curveServer");
    this.#setInt(SocketOption.CURVE_SERVER, "curveServer", value ? 1 : 0);
  }

  /** `ZMQ_CURVE_PUBLICKEY`, read back as Z85 text. */
  get curvePublicKey(): string {
    return this.#key(SocketOption.CURVE_PUBLICKEY, "curvePublicKey");
  }
  set curvePublicKey(value: string | Uint8Array) {
    this.#setKey(SocketOption.CURVE_PUBLICKEY, "curvePublicKey", value);
  }

  /** `ZMQ_CURVE_SECRETKEY`, read back as Z85 text. */
  get curveSecretKey(): string {
    return this.#key(SocketOption.CURVE_SECRETKEY, "curveSecretKey");
  }
  set curveSecretKey(value: string | Uint8Array) {
    this.#setKey(SocketOption.CURVE_SECRETKEY, "curveSecretKey", value);
  }

  /** `ZMQ_CURVE_SERVERKEY`, read back as Z85 text. */
  get curveServerKey(): string {
    return this.#key(SocketOption.CURVE_SERVERKEY, "curveServerKey");
  }
  set curveServerKey(value: string | Uint8Array) {
    this.#setKey(SocketOption.CURVE_SERVERKEY, "curveServerKey", value);
  }

  #requireCurve(name: string): void {
    if (!library().info.curve) {
      throw new ZmqError(
        `Could not set ${name}: this libzmq (${library().info.path}) was built without CURVE`,
        {
          code: "ENOTSUP",
        },
      );
    }
  }

  #key(option: number, name: string): string {
    // 41 bytes asks libzmq for Z85 text plus its NUL.
    return getStringOption(this.core.handle(`read ${name}`), option, 41, name);
  }

  #setKey(option: number, name: string, value: string | Uint8Array): void {
    this.#requireCurve(name);
    setBytesOption(
      this.core.handle(`set ${name}`),
      option,
      keyBytes(value, name),
      name,
    );
  }
}

/** Whether `name` is a settable option of `socket` (an accessor with a setter on its prototype chain). */
function hasSetter(socket: object, name: string): boolean {
  for (
    let proto = Object.getPrototypeOf(socket);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor.set !== undefined;
  }
  return false;
}

/** Async iterator over received messages that ends (instead of throwing) when the socket closes. */
export class MessageIterator implements AsyncIterableIterator<Uint8Array[]> {
  readonly #core: SocketCore;

  /** @internal */
  constructor(core: SocketCore) {
    this.#core = core;
  }

  /** Resolves with the next message, or `done` once the socket is closed. */
  next(): Promise<IteratorResult<Uint8Array[]>> {
    if (this.#core.closed) {
      return Promise.resolve({ done: true, value: undefined });
    }
    return this.#core.next();
  }

  /** Ends iteration (the socket stays open). */
  return(): Promise<IteratorResult<Uint8Array[]>> {
    return Promise.resolve({ done: true, value: undefined });
  }

  /** This iterator. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array[]> {
    return this;
  }
}
