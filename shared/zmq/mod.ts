/**
 * ZeroMQ for Deno over libzmq (FFI), with an async API shaped like
 * zeromq.js v6. See `README.md` beside this file for how it works.
 *
 * @example
 * ```ts
 * import { Reply, Request } from "@agora/shared/zmq";
 * const rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:*");
 * const req = new Request({ receiveTimeout: 1000 });
 * req.connect(rep.lastEndpoint);
 * await req.send("hello");
 * const [request] = await rep.receive();
 * await rep.send(request);
 * console.log(new TextDecoder().decode((await req.receive())[0]));
 * req.close();
 * rep.close();
 * ```
 *
 * @module
 */

export { Socket, type SocketOptions } from "./socket.ts";
export {
  DuplexSocket,
  ReadableSocket,
  WritableSocket,
} from "./socket_roles.ts";
export { Reply, Request, type RequestOptions } from "./request_reply.ts";
export { Dealer, Router, type RouterOptions } from "./dealer_router.ts";
export {
  Publisher,
  type PublisherOptions,
  Subscriber,
  XPublisher,
  type XPublisherOptions,
  XSubscriber,
} from "./publish_subscribe.ts";
export { Pair } from "./pair.ts";
export type { FrameLike, MessageLike } from "./frames.ts";
export { ZmqError, type ZmqErrorCode } from "./errors.ts";
export { terminate, type TerminateOptions } from "./context.ts";
export { closeOnSignals, type CloseOnSignalsOptions } from "./signals.ts";
export {
  type Proxy,
  type ProxyOptions,
  type ProxySide,
  type ProxySideStats,
  type ProxySocketType,
  type ProxyStats,
  startProxy,
} from "./proxy.ts";
export { type CurveKeyPair, curveKeyPair } from "./curve.ts";
export { type LibraryInfo, libraryInfo } from "./library.ts";
export {
  type ReactorStats,
  reactorStats,
  setSyncWaitUs,
  syncWaitBudgetUs,
} from "./reactor.ts";
