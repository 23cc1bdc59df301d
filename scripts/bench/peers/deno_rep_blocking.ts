/**
 * A REP echo in Deno that is *not* the binding: blocking libzmq calls made
 * straight from JavaScript through FFI, no reactor, no promises, the main
 * thread asleep inside `zmq_msg_recv` the way pyzmq's is. It shows what the
 * runtime and FFI themselves cost on a round trip, so the gap between it and
 * the binding's REP is the price of waiting asynchronously on Deno's event
 * loop. Nothing else can run in such a process while it waits.
 *
 * usage: deno run -A deno_rep_blocking.ts BIND_ENDPOINT
 * Prints its resolved endpoint on the first line, then echoes; exits after
 * a second without a request (a blocked thread cannot watch stdin).
 *
 * @module
 */

import { SocketOption, SocketType } from "../../../shared/zmq/constants.ts";
import { copyFromPointer } from "../../../shared/zmq/libc.ts";
import { library } from "../../../shared/zmq/library.ts";

/** `ZMQ_RCVTIMEO`, which the binding never sets (its timeouts are JS timers). */
const ZMQ_RCVTIMEO = 27;
const IDLE_EXIT_MS = 1000;

// The binding's own FFI symbols, called here without ZMQ_DONTWAIT on a
// context and socket of this peer's own (the binding never blocks).
const zmq = library().symbols;

const socket = zmq.zmq_socket(zmq.zmq_ctx_new(), SocketType.REP);
zmq.zmq_setsockopt(socket, ZMQ_RCVTIMEO, new Int32Array([IDLE_EXIT_MS]), 4n);
if (
  zmq.zmq_bind(socket, new TextEncoder().encode(`${Deno.args[0]}\0`)) !== 0
) {
  throw new Error(`could not bind ${Deno.args[0]}`);
}
const endpoint = new Uint8Array(256);
const length = new BigUint64Array([256n]);
zmq.zmq_getsockopt(socket, SocketOption.LAST_ENDPOINT, endpoint, length);
console.log(
  new TextDecoder().decode(endpoint.subarray(0, Number(length[0]) - 1)),
);

const message = new Uint8Array(64);
zmq.zmq_msg_init(message);
for (;;) {
  // Blocks in libzmq (no ZMQ_DONTWAIT); -1 after IDLE_EXIT_MS without one.
  const size = zmq.zmq_msg_recv(message, socket, 0);
  if (size < 0) break;
  // Copied out as the binding and pyzmq do (a frame the caller owns).
  const frame = new Uint8Array(size);
  if (size > 0) copyFromPointer(zmq.zmq_msg_data(message)!, frame);
  zmq.zmq_send(socket, frame, BigInt(size), 0);
}
Deno.exit(0);
