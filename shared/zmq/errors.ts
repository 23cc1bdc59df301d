/**
 * Typed errors for the ZeroMQ binding.
 *
 * Every failure surfaces as a {@linkcode ZmqError} with a symbolic `code`
 * (`"EADDRINUSE"`, `"ETIMEDOUT"`, `"ECLOSED"`, …), the numeric `errno` that
 * libzmq reported (0 when the error did not come from libzmq), and the
 * `endpoint` involved, if any. Messages say which action failed.
 *
 * @module
 */

import { ZMQ_HAUSNUMERO } from "./constants.ts";

/** Symbolic codes a {@linkcode ZmqError} can carry. */
export type ZmqErrorCode =
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "EAGAIN"
  | "ECLOSED"
  | "ECONNREFUSED"
  | "EFAULT"
  | "EFSM"
  | "EHOSTUNREACH"
  | "EINTR"
  | "EINVAL"
  | "EMFILE"
  | "EMSGSIZE"
  | "EMTHREAD"
  | "ENOCOMPATPROTO"
  | "ENODEV"
  | "ENOENT"
  | "ENOLIB"
  | "ENOMEM"
  | "ENOTSOCK"
  | "ENOTSUP"
  | "EPROTONOSUPPORT"
  | "ETERM"
  | "ETIMEDOUT"
  | "EUNKNOWN";

/** Extra facts attached to a {@linkcode ZmqError}. */
export interface ZmqErrorDetails {
  /** Symbolic code. */
  code: ZmqErrorCode;
  /** errno reported by libzmq, 0 when the error was raised by the binding. */
  errno?: number;
  /** Endpoint the failed action was about. */
  endpoint?: string;
  /** Underlying error, if any. */
  cause?: unknown;
}

/**
 * Error raised by every operation of the binding.
 *
 * @example
 * ```ts
 * import { Request, ZmqError } from "@agora/shared/zmq";
 * const req = new Request({ receiveTimeout: 10 });
 * req.connect("tcp://127.0.0.1:9");
 * await req.send("ping");
 * try {
 *   await req.receive();
 * } catch (e) {
 *   if (e instanceof ZmqError && e.code === "ETIMEDOUT") console.log("no reply");
 * }
 * req.close();
 * ```
 */
export class ZmqError extends Error {
  /** Symbolic code, e.g. `"EADDRINUSE"`. */
  readonly code: ZmqErrorCode;
  /** errno reported by libzmq (0 when raised by the binding itself). */
  readonly errno: number;
  /** Endpoint the failed action was about, if any. */
  readonly endpoint?: string;

  /** Creates an error; `message` should say which action failed. */
  constructor(message: string, details: ZmqErrorDetails) {
    super(
      message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = "ZmqError";
    this.code = details.code;
    this.errno = details.errno ?? 0;
    if (details.endpoint !== undefined) this.endpoint = details.endpoint;
  }
}

/** errno values that differ between platforms, keyed by code. */
const PLATFORM_ERRNOS: Record<
  "linux" | "darwin",
  Partial<Record<ZmqErrorCode, number>>
> = {
  linux: {
    EAGAIN: 11,
    ENOTSOCK: 88,
    EMSGSIZE: 90,
    EPROTONOSUPPORT: 93,
    ENOTSUP: 95,
    EADDRINUSE: 98,
    EADDRNOTAVAIL: 99,
    ETIMEDOUT: 110,
    ECONNREFUSED: 111,
    EHOSTUNREACH: 113,
  },
  darwin: {
    EAGAIN: 35,
    ENOTSOCK: 38,
    EMSGSIZE: 40,
    EPROTONOSUPPORT: 43,
    ENOTSUP: 45,
    EADDRINUSE: 48,
    EADDRNOTAVAIL: 49,
    ETIMEDOUT: 60,
    ECONNREFUSED: 61,
    EHOSTUNREACH: 65,
  },
};

/** errno values shared by Linux and macOS, plus libzmq's own. */
const COMMON_ERRNOS: Partial<Record<ZmqErrorCode, number>> = {
  ENOENT: 2,
  EINTR: 4,
  ENOMEM: 12,
  EFAULT: 14,
  ENODEV: 19,
  EINVAL: 22,
  EMFILE: 24,
  EFSM: ZMQ_HAUSNUMERO + 51,
  ENOCOMPATPROTO: ZMQ_HAUSNUMERO + 52,
  ETERM: ZMQ_HAUSNUMERO + 53,
  EMTHREAD: ZMQ_HAUSNUMERO + 54,
};

/** The errno table for an operating system (`Deno.build.os`). */
export function errnoTable(os: string): Map<number, ZmqErrorCode> {
  const table = new Map<number, ZmqErrorCode>();
  const platform = os === "darwin"
    ? PLATFORM_ERRNOS.darwin
    : PLATFORM_ERRNOS.linux;
  for (const source of [COMMON_ERRNOS, platform]) {
    for (const [code, errno] of Object.entries(source)) {
      table.set(errno, code as ZmqErrorCode);
    }
  }
  return table;
}

const hostTable = errnoTable(Deno.build.os);

/** Symbolic code of an errno on this platform (`"EUNKNOWN"` if unmapped). */
export function codeOfErrno(
  errno: number,
  table: Map<number, ZmqErrorCode> = hostTable,
): ZmqErrorCode {
  return table.get(errno) ?? "EUNKNOWN";
}

/** The errno this platform uses for a code (undefined if it has none). */
export function errnoOfCode(
  code: ZmqErrorCode,
  table: Map<number, ZmqErrorCode> = hostTable,
): number | undefined {
  for (const [errno, c] of table) if (c === code) return errno;
  return undefined;
}

/** Error for an operation attempted on a closed socket. */
export function closedError(action: string, endpoint?: string): ZmqError {
  return new ZmqError(`Could not ${action}: the socket is closed`, {
    code: "ECLOSED",
    endpoint,
  });
}

/** Error for an operation that did not complete within its timeout. */
export function timeoutError(action: string, timeoutMs: number): ZmqError {
  return new ZmqError(`Could not ${action}: timed out after ${timeoutMs} ms`, {
    code: "ETIMEDOUT",
    errno: errnoOfCode("ETIMEDOUT"),
  });
}
