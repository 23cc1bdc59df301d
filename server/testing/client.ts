/**
 * A small test client for agora processes: one REQ socket per endpoint,
 * Lazy Pirate on timeout (the socket is closed and reopened), replies
 * decoded as plain MessagePack maps so tests can check the exact wire
 * fields. Also a subscriber that keeps only publications whose topic frame
 * equals a wanted topic exactly.
 *
 * @example
 * ```ts ignore
 * import { TestClient } from "./client.ts";
 * const client = new TestClient("tcp://127.0.0.1:5555");
 * const reply = await client.call("login", { user: "ana" });
 * reply.data.status; // "sucesso"
 * client.close();
 * ```
 *
 * @module
 */

import { decodeValue, encodeEnvelope } from "@agora/shared/protocol";
import { Request, Subscriber } from "@agora/shared/zmq";

/** A reply as decoded from the wire. */
export interface WireReply {
  /** The reply's `service`. */
  service: string;
  /** The reply's `data` map. */
  data: Record<string, unknown>;
}

/** Request/reply against one endpoint, with a timeout per call. */
export class TestClient {
  /** The endpoint. */
  readonly endpoint: string;
  readonly #timeoutMs: number;
  #socket: Request | undefined;
  #clock = 0;

  /** Creates a client; the socket opens on the first call. */
  constructor(endpoint: string, timeoutMs = 5000) {
    this.endpoint = endpoint;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends `{service, data}` (stamped unless `stamp: false`) and returns the
   * decoded reply; throws on timeout (after reopening the socket).
   */
  async call(
    service: string,
    data: Record<string, unknown> = {},
    options: { stamp?: boolean; timeoutMs?: number } = {},
  ): Promise<WireReply> {
    const body = options.stamp === false
      ? data
      : { ...data, timestamp: Date.now() / 1000, clock: ++this.#clock };
    const frames = await this.raw(encodeEnvelope({ service, data: body }), {
      timeoutMs: options.timeoutMs,
    });
    return decodeReply(frames[0]);
  }

  /** Sends one raw frame (or frames) and returns the reply frames. */
  async raw(
    frame: Uint8Array | Uint8Array[],
    options: { timeoutMs?: number } = {},
  ): Promise<Uint8Array[]> {
    const socket = this.#socket ?? this.#open(options.timeoutMs);
    socket.receiveTimeout = options.timeoutMs ?? this.#timeoutMs;
    try {
      await socket.send(frame);
      return await socket.receive();
    } catch (error) {
      // Lazy Pirate: a REQ that missed its reply cannot send again.
      socket.close();
      this.#socket = undefined;
      throw error;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }

  #open(timeoutMs?: number): Request {
    const socket = new Request({
      linger: 0,
      receiveTimeout: timeoutMs ?? this.#timeoutMs,
    });
    socket.connect(this.endpoint);
    this.#socket = socket;
    return socket;
  }
}

/** Decodes a reply frame into `{service, data}` (throws if it is not one). */
export function decodeReply(frame: Uint8Array): WireReply {
  const decoded = decodeValue(frame);
  if (!decoded.ok) throw new Error(`Undecodable reply: ${decoded.description}`);
  const value = decoded.value as { service?: unknown; data?: unknown };
  if (
    typeof value !== "object" || value === null ||
    typeof value.service !== "string" || typeof value.data !== "object" ||
    value.data === null
  ) {
    throw new Error(`Not a reply: ${JSON.stringify(value)}`);
  }
  return {
    service: value.service,
    data: value.data as Record<string, unknown>,
  };
}

/** A publication received with an exactly matching topic. */
export interface ReceivedPublication {
  /** The topic frame, as text. */
  topic: string;
  /** The decoded payload. */
  payload: Record<string, unknown>;
}

/**
 * Subscribes to topics through the proxy's XPUB endpoint and collects the
 * publications whose topic frame equals one of them exactly (ZeroMQ matches
 * prefixes: `Lu` would also receive `Lucas`'s).
 */
export class TopicCollector {
  /** Everything received with a wanted topic, in order. */
  readonly received: ReceivedPublication[] = [];
  /** Frames received whose topic was not wanted exactly (prefix matches). */
  filtered = 0;
  readonly #socket: Subscriber;
  readonly #wanted: Set<string>;
  readonly #reading: Promise<void>;

  /** Connects and subscribes to `topics`. */
  constructor(endpoint: string, topics: readonly string[]) {
    this.#wanted = new Set(topics);
    this.#socket = new Subscriber({ linger: 0 });
    this.#socket.connect(endpoint);
    this.#socket.subscribe(...topics);
    this.#reading = this.#read();
  }

  /** Publications received on `topic`. */
  on(topic: string): ReceivedPublication[] {
    return this.received.filter((item) => item.topic === topic);
  }

  /** Closes the socket and waits for the reader to end. */
  async close(): Promise<void> {
    this.#socket.close();
    await this.#reading;
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const frames of this.#socket) {
      if (frames.length !== 2) continue;
      const topic = decoder.decode(frames[0]);
      if (!this.#wanted.has(topic)) {
        this.filtered++;
        continue;
      }
      const payload = decodeValue(frames[1]);
      if (payload.ok) {
        this.received.push({
          topic,
          payload: payload.value as Record<string, unknown>,
        });
      }
    }
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value (which
 * is returned) or `timeoutMs` passed (then throws with `what`). An error
 * thrown by `check` counts as "not yet", unless `fatal(error)` says it
 * ends the wait (then it is rethrown).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 50,
  fatal: (error: unknown) => boolean = () => false,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      if (fatal(error)) throw error;
      lastError = error;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${
          lastError ? ` (last error: ${String(lastError)})` : ""
        }`,
      );
    }
    await delay(intervalMs);
  }
}
