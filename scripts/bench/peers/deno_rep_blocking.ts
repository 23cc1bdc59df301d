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

import { library } from "../../../shared/zmq/library.ts";

const ZMQ_REP = 4;
const ZMQ_RCVTIMEO = 27;
const ZMQ_LAST_ENDPOINT = 32;
const IDLE_EXIT_MS = 1000;

const zmq = Deno.dlopen(library().info.path, {
  zmq_ctx_new: { parameters: [], result: "pointer" },
  zmq_socket: { parameters: ["pointer", "i32"], result: "pointer" },
  zmq_bind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_setsockopt: {
    parameters: ["pointer", "i32", "buffer", "usize"],
    result: "i32",
  },
  zmq_getsockopt: {
    parameters: ["pointer", "i32", "buffer", "buffer"],
    result: "i32",
  },
  zmq_msg_init: { parameters: ["buffer"], result: "i32" },
  zmq_msg_recv: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  zmq_msg_data: { parameters: ["buffer"], result: "pointer" },
  zmq_send: {
    parameters: ["pointer", "buffer", "usize", "i32"],
    result: "i32",
  },
}).symbols;
const libc = Deno.dlopen("libc.so.6", {
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
}).symbols;

const socket = zmq.zmq_socket(zmq.zmq_ctx_new(), ZMQ_REP);
zmq.zmq_setsockopt(socket, ZMQ_RCVTIMEO, new Int32Array([IDLE_EXIT_MS]), 4n);
if (
  zmq.zmq_bind(socket, new TextEncoder().encode(`${Deno.args[0]}\0`)) !== 0
) {
  throw new Error(`could not bind ${Deno.args[0]}`);
}
const endpoint = new Uint8Array(256);
const length = new BigUint64Array([256n]);
zmq.zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, length);
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
  if (size > 0) {
    libc.memcpy(frame, zmq.zmq_msg_data(message), BigInt(size));
  }
  zmq.zmq_send(socket, frame, BigInt(size), 0);
}
Deno.exit(0);
