/**
 * FFI signatures of the libzmq C API used by the binding.
 *
 * Every call runs on the main thread with `ZMQ_DONTWAIT`, except the two
 * marked `nonblocking` (they run on Deno's thread pool): the steerable proxy
 * loop, whose sockets never enter the reactor, and `zmq_ctx_term`, which is
 * thread-safe and only runs once every reactor socket is closed.
 *
 * @module
 */

/** The libzmq symbols, as `Deno.dlopen` wants them. */
export const ZMQ_SYMBOLS = {
  zmq_version: { parameters: ["buffer", "buffer", "buffer"], result: "void" },
  zmq_errno: { parameters: [], result: "i32" },
  zmq_strerror: { parameters: ["i32"], result: "pointer" },
  zmq_has: { parameters: ["buffer"], result: "i32" },
  zmq_ctx_new: { parameters: [], result: "pointer" },
  zmq_ctx_set: { parameters: ["pointer", "i32", "i32"], result: "i32" },
  zmq_ctx_term_async: {
    name: "zmq_ctx_term",
    parameters: ["pointer"],
    result: "i32",
    nonblocking: true,
  },
  zmq_socket: { parameters: ["pointer", "i32"], result: "pointer" },
  zmq_close: { parameters: ["pointer"], result: "i32" },
  zmq_bind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_unbind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_connect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_disconnect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_setsockopt: {
    parameters: ["pointer", "i32", "buffer", "usize"],
    result: "i32",
  },
  zmq_getsockopt: {
    parameters: ["pointer", "i32", "buffer", "buffer"],
    result: "i32",
  },
  zmq_send: {
    parameters: ["pointer", "buffer", "usize", "i32"],
    result: "i32",
  },
  zmq_msg_init: { parameters: ["buffer"], result: "i32" },
  zmq_msg_recv: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  zmq_msg_data: { parameters: ["buffer"], result: "pointer" },
  zmq_msg_more: { parameters: ["buffer"], result: "i32" },
  zmq_msg_close: { parameters: ["buffer"], result: "i32" },
  zmq_curve_keypair: { parameters: ["buffer", "buffer"], result: "i32" },
  zmq_proxy_steerable: {
    parameters: ["pointer", "pointer", "pointer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libzmq symbols. */
export type ZmqSymbols = Deno.DynamicLibrary<typeof ZMQ_SYMBOLS>["symbols"];
