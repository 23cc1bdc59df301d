/**
 * A steerable forwarding proxy (XSUB/XPUB, ROUTER/DEALER, …) that runs
 * `zmq_proxy_steerable` at native speed on Deno's thread pool.
 *
 * Its two sockets belong to the pool thread while it runs and never enter
 * the reactor. It is steered through an inproc PAIR: the proxy's end is also
 * the pool thread's; our end is an ordinary reactor socket. STATISTICS
 * replies arrive on our end and are consumed by one reader loop that matches
 * them to requests in order (a request that timed out keeps its place, so
 * its late reply can never be mistaken for the next one).
 *
 * @module
 */

import {
  SocketOption,
  SocketType,
  type SocketTypeNumber,
  TIMEOUT_MAX_MS,
} from "./constants.ts";
import { contextHandle, registerProxy, unregisterProxy } from "./context.ts";
import { closedError, timeoutError, ZmqError } from "./errors.ts";
import { library } from "./library.ts";
import {
  cString,
  getStringOption,
  type Handle,
  lastError,
  prepareSocket,
  setIntOption,
} from "./native.ts";
import { Pair } from "./pair.ts";

/** Socket types a proxy side may have. */
export type ProxySocketType = "xsub" | "xpub" | "router" | "dealer";

/** One side of a proxy. */
export interface ProxySide {
  /** Socket type of this side. */
  type: ProxySocketType;
  /** Endpoint(s) to bind (`tcp://127.0.0.1:*` for an ephemeral port). */
  bind: string | string[];
  /** `ZMQ_SNDHWM` of this side (libzmq default 1000). */
  sendHighWaterMark?: number;
  /** `ZMQ_RCVHWM` of this side (libzmq default 1000). */
  receiveHighWaterMark?: number;
}

/** Options of {@linkcode startProxy}. */
export interface ProxyOptions {
  /** Side that receives from publishers / clients. */
  frontend: ProxySide;
  /** Side that sends to subscribers / workers. */
  backend: ProxySide;
  /** ms to wait for a STATISTICS reply (default 2000). */
  statisticsTimeoutMs?: number;
}

/**
 * Messages and bytes through one side of a proxy since it started. libzmq
 * 4.3.4 counts multipart messages; 4.3.5 counts frames.
 */
export interface ProxySideStats {
  /** Messages received on this side. */
  messagesIn: number;
  /** Bytes received on this side. */
  bytesIn: number;
  /** Messages sent on this side. */
  messagesOut: number;
  /** Bytes sent on this side. */
  bytesOut: number;
}

/** Proxy counters from the STATISTICS command. */
export interface ProxyStats {
  /** Frontend counters. */
  frontend: ProxySideStats;
  /** Backend counters. */
  backend: ProxySideStats;
}

/** A running proxy. */
export interface Proxy {
  /** Stops the proxy (TERMINATE) and closes its sockets; resolves when done. Idempotent. */
  stop(): Promise<void>;
  /** Forwarded message and byte counts (rejects `"ECLOSED"` once stopped, `"ETIMEDOUT"` if no reply). */
  statistics(): Promise<ProxyStats>;
  /** Resolves when the proxy has ended and its sockets are closed. */
  done: Promise<void>;
  /** Resolved endpoint of the frontend's last bind. */
  frontendEndpoint: string;
  /** Resolved endpoint of the backend's last bind. */
  backendEndpoint: string;
}

const SOCKET_TYPES: Record<ProxySocketType, SocketTypeNumber> = {
  xsub: SocketType.XSUB,
  xpub: SocketType.XPUB,
  router: SocketType.ROUTER,
  dealer: SocketType.DEALER,
};

const encoder = new TextEncoder();
let controlCounter = 0;

interface StatsWaiter {
  resolve(stats: ProxyStats): void;
  reject(error: unknown): void;
  settled: boolean;
}

function openSide(
  side: ProxySide,
  name: string,
): { handle: Handle; endpoint: string } {
  const type = SOCKET_TYPES[side.type];
  if (type === undefined) {
    throw new ZmqError(
      `Could not start proxy: unknown ${name} type ${
        JSON.stringify(side.type)
      }`,
      { code: "EINVAL" },
    );
  }
  const z = library().symbols;
  const handle = z.zmq_socket(contextHandle(), type);
  if (!handle) throw lastError(`create the proxy ${name} socket`);
  try {
    prepareSocket(handle);
    setIntOption(handle, SocketOption.LINGER, 0, "linger");
    if (side.sendHighWaterMark !== undefined) {
      setIntOption(
        handle,
        SocketOption.SNDHWM,
        side.sendHighWaterMark,
        "sendHighWaterMark",
      );
    }
    if (side.receiveHighWaterMark !== undefined) {
      setIntOption(
        handle,
        SocketOption.RCVHWM,
        side.receiveHighWaterMark,
        "receiveHighWaterMark",
      );
    }
    for (const endpoint of Array.isArray(side.bind) ? side.bind : [side.bind]) {
      if (z.zmq_bind(handle, cString(endpoint)) !== 0) {
        throw lastError(`bind the proxy ${name} to "${endpoint}"`, endpoint);
      }
    }
    return {
      handle,
      endpoint: getStringOption(
        handle,
        SocketOption.LAST_ENDPOINT,
        1024,
        "lastEndpoint",
      ),
    };
  } catch (e) {
    z.zmq_close(handle);
    throw e;
  }
}

function readCounter(frame: Uint8Array | undefined): number {
  if (!frame || frame.byteLength !== 8) {
    throw new ZmqError("Could not read proxy statistics: malformed reply", {
      code: "EINVAL",
    });
  }
  // libzmq sends uint64_t in host byte order; every supported host is little-endian.
  return Number(
    new DataView(frame.buffer, frame.byteOffset, 8).getBigUint64(0, true),
  );
}

/** Parses the 8-frame STATISTICS reply. */
export function parseProxyStats(frames: Uint8Array[]): ProxyStats {
  const n = frames.map(readCounter);
  if (n.length !== 8) {
    throw new ZmqError("Could not read proxy statistics: malformed reply", {
      code: "EINVAL",
    });
  }
  return {
    frontend: {
      messagesIn: n[0],
      bytesIn: n[1],
      messagesOut: n[2],
      bytesOut: n[3],
    },
    backend: {
      messagesIn: n[4],
      bytesIn: n[5],
      messagesOut: n[6],
      bytesOut: n[7],
    },
  };
}

/**
 * Starts a proxy between two sockets it binds itself.
 *
 * @example
 * ```ts
 * import { startProxy } from "@agora/shared/zmq";
 * const proxy = await startProxy({
 *   frontend: { type: "xsub", bind: "tcp://127.0.0.1:*" },
 *   backend: { type: "xpub", bind: "tcp://127.0.0.1:*" },
 * });
 * console.log(proxy.frontendEndpoint, proxy.backendEndpoint, await proxy.statistics());
 * await proxy.stop();
 * ```
 */
export function startProxy(options: ProxyOptions): Promise<Proxy> {
  try {
    return Promise.resolve(launch(options));
  } catch (e) {
    return Promise.reject(e);
  }
}

function launch(options: ProxyOptions): Proxy {
  const z = library().symbols;
  const statisticsTimeoutMs = options.statisticsTimeoutMs ?? 2000;
  if (
    !Number.isInteger(statisticsTimeoutMs) || statisticsTimeoutMs < 1 ||
    statisticsTimeoutMs > TIMEOUT_MAX_MS
  ) {
    throw new ZmqError(
      `Could not start the proxy: statisticsTimeoutMs must be an integer from 1 to ${TIMEOUT_MAX_MS}, got ${
        JSON.stringify(statisticsTimeoutMs)
      }`,
      { code: "EINVAL" },
    );
  }
  const frontend = openSide(options.frontend, "frontend");
  let backend: { handle: Handle; endpoint: string };
  try {
    backend = openSide(options.backend, "backend");
  } catch (e) {
    z.zmq_close(frontend.handle);
    throw e;
  }
  const controlEndpoint =
    `inproc://agora-proxy-control-${++controlCounter}-${crypto.randomUUID()}`;
  const inner = z.zmq_socket(contextHandle(), SocketType.PAIR);
  let control: Pair;
  try {
    if (!inner) throw lastError("create the proxy control socket");
    setIntOption(inner, SocketOption.LINGER, 0, "linger");
    if (z.zmq_bind(inner, cString(controlEndpoint)) !== 0) {
      throw lastError("bind the proxy control socket");
    }
    control = new Pair({ linger: 0 });
    control.connect(controlEndpoint);
  } catch (e) {
    if (inner) z.zmq_close(inner);
    z.zmq_close(frontend.handle);
    z.zmq_close(backend.handle);
    throw e;
  }

  const waiters: StatsWaiter[] = [];
  let stopped = false;
  const running = z.zmq_proxy_steerable(
    frontend.handle,
    backend.handle,
    null,
    inner,
  );
  const done = running.then(() => {
    // The pool thread has left the proxy: its sockets are ours again.
    z.zmq_close(frontend.handle);
    z.zmq_close(backend.handle);
    z.zmq_close(inner);
    stopped = true;
    control.close();
    for (const waiter of waiters.splice(0)) {
      if (!waiter.settled) waiter.reject(closedError("read proxy statistics"));
    }
    unregisterProxy(proxy);
  });

  // The one reader of the control socket: replies come in request order.
  (async () => {
    for await (const frames of control) {
      const waiter = waiters.shift();
      if (!waiter || waiter.settled) continue;
      waiter.settled = true;
      try {
        waiter.resolve(parseProxyStats(frames));
      } catch (e) {
        waiter.reject(e);
      }
    }
  })().catch(() => {
    // Only ECLOSED ends the loop normally; anything else also means "stopped".
  });

  const proxy: Proxy = {
    frontendEndpoint: frontend.endpoint,
    backendEndpoint: backend.endpoint,
    done,
    async stop() {
      if (!stopped && !control.closed) {
        stopped = true;
        await control.send("TERMINATE").catch(() => {});
      }
      await done;
    },
    statistics() {
      if (stopped || control.closed) {
        return Promise.reject(closedError("read proxy statistics"));
      }
      return new Promise<ProxyStats>((resolve, reject) => {
        const waiter: StatsWaiter = { resolve, reject, settled: false };
        waiters.push(waiter);
        const timer = setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(timeoutError("read proxy statistics", statisticsTimeoutMs));
        }, statisticsTimeoutMs);
        const settle = <T>(fn: (value: T) => void) => (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
        waiter.resolve = settle(resolve);
        waiter.reject = settle(reject);
        control.send(encoder.encode("STATISTICS")).catch((e) => {
          if (waiter.settled) return;
          waiter.settled = true;
          waiter.reject(e);
        });
      });
    },
  };
  registerProxy(proxy);
  return proxy;
}
