/**
 * PUB, SUB, XPUB and XSUB sockets.
 *
 * @module
 */

import { SocketOption, SocketType } from "./constants.ts";
import { type FrameLike, toFrame } from "./frames.ts";
import { setBytesOption, setIntOption } from "./native.ts";
import type { SocketOptions } from "./socket.ts";
import type { SocketCore } from "./socket_core.ts";
import {
  DuplexSocket,
  ReadableSocket,
  WritableSocket,
} from "./socket_roles.ts";

/** Options of a {@linkcode Publisher}. */
export interface PublisherOptions extends SocketOptions {
  /** `ZMQ_XPUB_NODROP`: reject sends with `"EAGAIN"`-style back-pressure at the HWM instead of dropping. */
  noDrop?: boolean;
}

/** Options of an {@linkcode XPublisher}. */
export interface XPublisherOptions extends PublisherOptions {
  /** `ZMQ_XPUB_VERBOSE`: pass on every subscription message, not only the first per topic. */
  verbose?: boolean;
}

/**
 * A PUB socket: sends each message to every subscriber whose subscription
 * is a prefix of its first frame; drops when a subscriber is slow (HWM).
 */
export class Publisher extends WritableSocket {
  #noDrop = false;

  /** Opens a PUB socket. */
  constructor(options?: PublisherOptions) {
    super(SocketType.PUB, "PUB socket");
    this.configure(options);
  }

  /** `ZMQ_XPUB_NODROP` (write-only in libzmq; reads back what was set). */
  get noDrop(): boolean {
    return this.#noDrop;
  }
  set noDrop(value: boolean) {
    setFlag(this.core, SocketOption.XPUB_NODROP, "noDrop", value);
    this.#noDrop = value;
  }
}

/**
 * A SUB socket: receives messages whose first frame starts with one of its
 * subscriptions (ZeroMQ prefix matching; subscribe to "" for everything).
 *
 * @example
 * ```ts
 * import { Subscriber } from "@agora/shared/zmq";
 * const sub = new Subscriber();
 * sub.connect("tcp://127.0.0.1:5558");
 * sub.subscribe("general");
 * for await (const [topic, body] of sub) console.log(topic, body);
 * ```
 */
export class Subscriber extends ReadableSocket {
  /** Opens a SUB socket. */
  constructor(options?: SocketOptions) {
    super(SocketType.SUB, "SUB socket");
    this.configure(options);
  }

  /** `ZMQ_SUBSCRIBE` to each topic prefix; with no argument, to everything. */
  subscribe(...topics: FrameLike[]): void {
    this.#setTopics(
      SocketOption.SUBSCRIBE,
      "subscribe",
      "subscription",
      topics,
    );
  }

  /** `ZMQ_UNSUBSCRIBE` from each topic prefix; with no argument, from "" (everything). */
  unsubscribe(...topics: FrameLike[]): void {
    this.#setTopics(
      SocketOption.UNSUBSCRIBE,
      "unsubscribe",
      "unsubscription",
      topics,
    );
  }

  #setTopics(
    option: number,
    verb: string,
    noun: string,
    topics: FrameLike[],
  ): void {
    for (const topic of topics.length === 0 ? [""] : topics) {
      setBytesOption(this.core.handle(verb), option, toFrame(topic), noun);
    }
  }
}

/**
 * An XPUB socket: a PUB that also receives subscription messages (first
 * byte 1 = subscribe, 0 = unsubscribe, then the topic).
 */
export class XPublisher extends DuplexSocket {
  #noDrop = false;
  #verbose = false;

  /** Opens an XPUB socket. */
  constructor(options?: XPublisherOptions) {
    super(SocketType.XPUB, "XPUB socket");
    this.configure(options);
  }

  /** `ZMQ_XPUB_NODROP` (write-only in libzmq; reads back what was set). */
  get noDrop(): boolean {
    return this.#noDrop;
  }
  set noDrop(value: boolean) {
    setFlag(this.core, SocketOption.XPUB_NODROP, "noDrop", value);
    this.#noDrop = value;
  }

  /** `ZMQ_XPUB_VERBOSE` (write-only in libzmq; reads back what was set). */
  get verbose(): boolean {
    return this.#verbose;
  }
  set verbose(value: boolean) {
    setFlag(this.core, SocketOption.XPUB_VERBOSE, "verbose", value);
    this.#verbose = value;
  }
}

/**
 * An XSUB socket: a SUB whose subscriptions are messages it sends
 * (`[1, ...topic]` subscribes, `[0, ...topic]` unsubscribes); it can also
 * send other messages upstream.
 */
export class XSubscriber extends DuplexSocket {
  /** Opens an XSUB socket. */
  constructor(options?: SocketOptions) {
    super(SocketType.XSUB, "XSUB socket");
    this.configure(options);
  }
}

/** Sets a write-only boolean option (libzmq cannot read these back). */
function setFlag(
  core: SocketCore,
  option: number,
  name: string,
  value: boolean,
): void {
  setIntOption(core.handle(`set ${name}`), option, value ? 1 : 0, name);
}
