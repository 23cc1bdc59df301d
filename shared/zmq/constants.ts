/**
 * Numeric constants from `zmq.h` (libzmq 4.3) used by the binding.
 *
 * Only what the binding needs; values are ABI-stable across libzmq 4.x.
 *
 * @module
 */

/** Socket type numbers passed to `zmq_socket`. */
export const SocketType = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  XPUB: 9,
  XSUB: 10,
} as const;

/** A socket type number (a value of {@linkcode SocketType}). */
export type SocketTypeNumber = typeof SocketType[keyof typeof SocketType];

/** Socket option numbers for `zmq_setsockopt` / `zmq_getsockopt`. */
export const SocketOption = {
  ROUTING_ID: 5,
  SUBSCRIBE: 6,
  UNSUBSCRIBE: 7,
  RCVMORE: 13,
  FD: 14,
  EVENTS: 15,
  TYPE: 16,
  LINGER: 17,
  RECONNECT_IVL: 18,
  RECONNECT_IVL_MAX: 21,
  MAXMSGSIZE: 22,
  SNDHWM: 23,
  RCVHWM: 24,
  LAST_ENDPOINT: 32,
  ROUTER_MANDATORY: 33,
  IMMEDIATE: 39,
  XPUB_VERBOSE: 40,
  CURVE_SERVER: 47,
  CURVE_PUBLICKEY: 48,
  CURVE_SECRETKEY: 49,
  CURVE_SERVERKEY: 50,
  REQ_CORRELATE: 52,
  REQ_RELAXED: 53,
  ZAP_DOMAIN: 55,
  ROUTER_HANDOVER: 56,
  XPUB_NODROP: 69,
  HEARTBEAT_IVL: 75,
  HEARTBEAT_TTL: 76,
  HEARTBEAT_TIMEOUT: 77,
} as const;

/** Context option numbers for `zmq_ctx_set`. */
export const ContextOption = {
  IO_THREADS: 1,
  /** 0 makes new sockets default to linger 0, so `zmq_ctx_term` cannot hang on them. */
  BLOCKY: 70,
} as const;

/** Send/receive flags. */
export const DONTWAIT = 1;
/** More frames of the same message follow. */
export const SNDMORE = 2;

/** `ZMQ_EVENTS` bit: a message can be received without blocking. */
export const POLLIN = 1;
/** `ZMQ_EVENTS` bit: a message can be sent without blocking. */
export const POLLOUT = 2;

/** Base of libzmq's own errno values. */
export const ZMQ_HAUSNUMERO = 156384712;

/**
 * The longest timeout, ms: libzmq's options are C ints, and a JavaScript
 * timer given more fires after 1 ms instead.
 */
export const TIMEOUT_MAX_MS = 2 ** 31 - 1;
