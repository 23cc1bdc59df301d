/**
 * Thin wrappers over libzmq socket calls: option get/set, nonblocking
 * multipart send and receive, readiness. They throw {@linkcode ZmqError}s
 * built from `zmq_errno()`, read right after the (synchronous) call because
 * errno is per thread.
 *
 * @module
 */

import { DONTWAIT, SNDMORE, SocketOption } from "./constants.ts";
import { codeOfErrno, errnoOfCode, ZmqError } from "./errors.ts";
import { copyFromPointer } from "./libc.ts";
import { library } from "./library.ts";

/** A libzmq socket handle. */
export type Handle = Deno.PointerObject;

const encoder = new TextEncoder();
const EAGAIN = errnoOfCode("EAGAIN") ?? 11;
const EINTR = errnoOfCode("EINTR") ?? 4;

/** NUL-terminated UTF-8 copy of a string, for C string parameters. */
export function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

/** Error for the last failed libzmq call on this thread. */
export function lastError(action: string, endpoint?: string): ZmqError {
  const z = library().symbols;
  const errno = z.zmq_errno();
  return errorFromErrno(action, errno, endpoint);
}

/** Error for a libzmq errno. */
export function errorFromErrno(
  action: string,
  errno: number,
  endpoint?: string,
): ZmqError {
  const z = library().symbols;
  const ptr = z.zmq_strerror(errno);
  const text = ptr ? Deno.UnsafePointerView.getCString(ptr) : `errno ${errno}`;
  const code = codeOfErrno(errno);
  return new ZmqError(`Could not ${action}: ${text} (${code})`, {
    code,
    errno,
    endpoint,
  });
}

/** Sets an integer option. */
export function setIntOption(
  handle: Handle,
  option: number,
  value: number,
  name: string,
): void {
  setNumber(handle, option, value, name, new Int32Array([value]));
}

/** Sets a 64-bit integer option (e.g. `ZMQ_MAXMSGSIZE`, which rejects 4-byte values). */
export function setInt64Option(
  handle: Handle,
  option: number,
  value: number,
  name: string,
): void {
  setNumber(
    handle,
    option,
    value,
    name,
    Number.isInteger(value) ? new BigInt64Array([BigInt(value)]) : undefined,
  );
}

/** Sets an integer option held in `buf` (4 or 8 bytes); `buf` is built only for an integer. */
function setNumber(
  handle: Handle,
  option: number,
  value: number,
  name: string,
  buf: Int32Array | BigInt64Array | undefined,
): void {
  if (!Number.isInteger(value) || buf === undefined) {
    throw new ZmqError(
      `Could not set ${name}: ${JSON.stringify(value)} is not an integer`,
      { code: "EINVAL" },
    );
  }
  const size = BigInt(buf.byteLength);
  if (library().symbols.zmq_setsockopt(handle, option, buf, size) !== 0) {
    throw lastError(`set ${name} to ${value}`);
  }
}

/** Sets a byte-string option (an empty value passes a NULL pointer with length 0). */
export function setBytesOption(
  handle: Handle,
  option: number,
  value: Uint8Array,
  name: string,
): void {
  if (
    library().symbols.zmq_setsockopt(
      handle,
      option,
      value,
      BigInt(value.byteLength),
    ) !== 0
  ) {
    throw lastError(`set ${name}`);
  }
}

const intScratch = new Int32Array(1);
const int64Scratch = new BigInt64Array(1);
const sizeScratch = new BigUint64Array(1);

/** Reads an integer option. */
export function getIntOption(
  handle: Handle,
  option: number,
  name: string,
): number {
  sizeScratch[0] = 4n;
  if (
    library().symbols.zmq_getsockopt(
      handle,
      option,
      intScratch,
      sizeScratch,
    ) !== 0
  ) throw lastError(`read ${name}`);
  return intScratch[0];
}

/** Reads a 64-bit integer option. */
export function getInt64Option(
  handle: Handle,
  option: number,
  name: string,
): number {
  sizeScratch[0] = 8n;
  if (
    library().symbols.zmq_getsockopt(
      handle,
      option,
      int64Scratch,
      sizeScratch,
    ) !== 0
  ) throw lastError(`read ${name}`);
  return Number(int64Scratch[0]);
}

/** Reads a byte-string option of at most `maxBytes` bytes. */
export function getBytesOption(
  handle: Handle,
  option: number,
  maxBytes: number,
  name: string,
): Uint8Array {
  const buf = new Uint8Array(maxBytes);
  sizeScratch[0] = BigInt(maxBytes);
  if (
    library().symbols.zmq_getsockopt(handle, option, buf, sizeScratch) !== 0
  ) throw lastError(`read ${name}`);
  return buf.slice(0, Number(sizeScratch[0]));
}

/** Reads a NUL-terminated string option (e.g. `ZMQ_LAST_ENDPOINT`). */
export function getStringOption(
  handle: Handle,
  option: number,
  maxBytes: number,
  name: string,
): string {
  const bytes = getBytesOption(handle, option, maxBytes, name);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** `ZMQ_EVENTS`: processes pending commands (re-arming `ZMQ_FD`) and returns POLLIN/POLLOUT bits. */
export function readEvents(handle: Handle): number {
  sizeScratch[0] = 4n;
  if (
    library().symbols.zmq_getsockopt(
      handle,
      SocketOption.EVENTS,
      intScratch,
      sizeScratch,
    ) !== 0
  ) return 0;
  return intScratch[0];
}

/**
 * Sends a multipart message without blocking. Returns false if the first
 * frame would block (nothing was sent); libzmq queues the remaining frames
 * once the first is accepted. Throws on any other error.
 */
export function sendFrames(handle: Handle, frames: Uint8Array[]): boolean {
  const send = library().symbols.zmq_send;
  const last = frames.length - 1;
  for (let i = 0; i <= last; i++) {
    const frame = frames[i];
    const flags = i < last ? DONTWAIT | SNDMORE : DONTWAIT;
    let rc = send(handle, frame, BigInt(frame.byteLength), flags);
    while (rc < 0) {
      const errno = library().symbols.zmq_errno();
      if (errno === EINTR) {
        rc = send(handle, frame, BigInt(frame.byteLength), flags);
        continue;
      }
      if (errno === EAGAIN && i === 0) return false;
      throw errorFromErrno("send message", errno);
    }
  }
  return true;
}

/**
 * Small frames are views into a shared 8 KiB slab: a fresh ArrayBuffer costs
 * ~0.5–0.7 µs in Deno whatever its size, a view ~30 ns, so pooling roughly
 * halves the cost of receiving a small message. Like Node's pooled Buffers,
 * a frame kept alive keeps its slab (at most 8 KiB) alive: use `byteOffset`
 * with `frame.buffer`, and `slice()` frames that are stored long-term.
 */
const SLAB_BYTES = 8192;
/** Frames above this size get a buffer of their own. */
const POOLED_MAX_BYTES = 1024;
let slab = new ArrayBuffer(0);
let slabOffset = 0;

/** A zero-filled Uint8Array of `size` bytes for a received frame. */
export function frameBuffer(size: number): Uint8Array {
  if (size > POOLED_MAX_BYTES) return new Uint8Array(size);
  if (slabOffset + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const frame = new Uint8Array(slab, slabOffset, size);
  // 8-byte alignment keeps DataView/typed-array reads over frames cheap.
  slabOffset = (slabOffset + size + 7) & ~7;
  return frame;
}

/** Receives zmq_msg_t frames: 64 bytes, reused (zmq_msg_recv releases the previous content). */
const message = new Uint8Array(64);
let messageReady = false;
/** Frames larger than this are released right away rather than held until the next receive. */
const RELEASE_ABOVE_BYTES = 64 * 1024;

/**
 * Receives one multipart message without blocking, copying every frame (no
 * truncation). Returns null if none is ready; throws on other errors.
 */
export function receiveFrames(handle: Handle): Uint8Array[] | null {
  const z = library().symbols;
  if (!messageReady) {
    z.zmq_msg_init(message);
    messageReady = true;
  }
  let frames: Uint8Array[] | null = null;
  for (;;) {
    const size = z.zmq_msg_recv(message, handle, DONTWAIT);
    if (size < 0) {
      const errno = z.zmq_errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN && frames === null) return null;
      throw errorFromErrno("receive message", errno);
    }
    const frame = frameBuffer(size);
    if (size > 0) copyFromPointer(z.zmq_msg_data(message)!, frame);
    if (frames === null) frames = [frame];
    else frames.push(frame);
    const more = z.zmq_msg_more(message);
    if (size > RELEASE_ABOVE_BYTES) releaseMessage();
    if (more === 0) return frames;
  }
}

/** Releases the content held by the shared zmq_msg_t (e.g. a large last frame). */
export function releaseMessage(): void {
  if (!messageReady) return;
  const z = library().symbols;
  z.zmq_msg_close(message);
  z.zmq_msg_init(message);
}

const ZAP_DOMAIN = encoder.encode("agora");

/**
 * Settings every socket gets at creation. A ZAP domain makes libzmq reject
 * ZMTP/1.0 greetings: random bytes sent to a bound port otherwise parse as a
 * 1.0 peer and, in libzmq 4.3.4, left a REP unable to route later replies
 * (pyzmq too). With no ZAP handler running, ZMTP/3 peers are unaffected.
 */
export function prepareSocket(handle: Handle): void {
  setBytesOption(handle, SocketOption.ZAP_DOMAIN, ZAP_DOMAIN, "ZMQ_ZAP_DOMAIN");
}
