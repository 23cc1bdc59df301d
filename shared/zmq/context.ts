/**
 * The process-wide libzmq context and the registry of what is open in it,
 * so that {@linkcode terminate} can close everything before `zmq_ctx_term`.
 *
 * @module
 */

import { ContextOption } from "./constants.ts";
import { library } from "./library.ts";
import { lastError, releaseMessage } from "./native.ts";

/** Something {@linkcode terminate} must close first. */
export interface Closable {
  /** Closes with `ZMQ_LINGER` at most `maxLingerMs`. */
  closeWithLinger(maxLingerMs: number): void;
}

/** Something {@linkcode terminate} must stop first (a running proxy). */
export interface Stoppable {
  /** Stops and closes its sockets. */
  stop(): Promise<void>;
}

let context: Deno.PointerObject | null = null;
const sockets = new Set<Closable>();
const proxies = new Set<Stoppable>();

/** The context handle, created on first use with `ZMQ_BLOCKY` = 0. */
export function contextHandle(): Deno.PointerObject {
  if (context) return context;
  const z = library().symbols;
  const created = z.zmq_ctx_new();
  if (!created) throw lastError("create a ZeroMQ context");
  // New sockets then default to linger 0, so zmq_ctx_term cannot wait on them.
  z.zmq_ctx_set(created, ContextOption.BLOCKY, 0);
  context = created;
  return created;
}

/** Records an open socket. */
export function registerSocket(socket: Closable): void {
  sockets.add(socket);
}

/** Forgets a closed socket. */
export function unregisterSocket(socket: Closable): void {
  sockets.delete(socket);
}

/** Records a running proxy. */
export function registerProxy(proxy: Stoppable): void {
  proxies.add(proxy);
}

/** Forgets a stopped proxy. */
export function unregisterProxy(proxy: Stoppable): void {
  proxies.delete(proxy);
}

/** Number of open sockets (for tests and diagnostics). */
export function openSocketCount(): number {
  return sockets.size;
}

/** Options of {@linkcode terminate}. */
export interface TerminateOptions {
  /** Upper bound for each socket's `ZMQ_LINGER` when it is closed here (default 1000 ms). */
  lingerMs?: number;
}

/**
 * Stops every proxy, closes every socket with a bounded linger, then
 * terminates the context. It cannot hang: after the bounded closes,
 * `zmq_ctx_term` waits at most the linger bound, and it runs on the thread
 * pool so the event loop keeps turning meanwhile. Pending receives and sends
 * reject with code `"ECLOSED"` and iterators end. Sockets created afterwards
 * get a fresh context.
 *
 * @example
 * ```ts
 * import { Reply, terminate } from "@agora/shared/zmq";
 * const rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * await terminate({ lingerMs: 100 });
 * ```
 */
export async function terminate(options: TerminateOptions = {}): Promise<void> {
  const lingerMs = Math.max(0, Math.floor(options.lingerMs ?? 1000));
  // A proxy blocked in a send cannot read TERMINATE; zmq_ctx_term below
  // unblocks it (ETERM), so its stop is only awaited for a bounded time.
  await Promise.allSettled(
    [...proxies].map((proxy) => boundedWait(proxy.stop(), lingerMs + 1000)),
  );
  for (const socket of [...sockets]) socket.closeWithLinger(lingerMs);
  const handle = context;
  if (!handle) return;
  context = null;
  releaseMessage();
  const z = library().symbols;
  // -1 can only be EINTR here (the handle is ours and valid), meaning "call
  // again"; errno itself belongs to the pool thread and cannot be read.
  for (let attempt = 0; attempt < 10; attempt++) {
    if ((await z.zmq_ctx_term_async(handle)) === 0) return;
  }
}

/** Resolves when `promise` settles or after `timeoutMs`, whichever is first. */
function boundedWait(
  promise: Promise<unknown>,
  timeoutMs: number,
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((resolve) =>
    timer = setTimeout(resolve, timeoutMs)
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
