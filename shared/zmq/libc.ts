/**
 * The few libc calls the reactor needs: `poll` (a nonblocking FFI call that
 * parks on the thread pool, and a synchronous variant for short bounded
 * waits) and an eventfd (a pipe where there is none) to wake a parked poll.
 *
 * @module
 */

const SYMBOLS = {
  poll_async: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  ppoll: {
    parameters: ["buffer", "u64", "buffer", "pointer"],
    result: "i32",
    optional: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32", optional: true },
  pipe: { parameters: ["buffer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  dlopen: { parameters: ["buffer", "i32"], result: "pointer" },
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
  timerfd_create: { parameters: ["i32", "i32"], result: "i32", optional: true },
  timerfd_settime: {
    parameters: ["i32", "i32", "buffer", "pointer"],
    result: "i32",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** `poll(2)` readiness bit for input. */
export const POLL_IN = 1;

/** Size of `struct pollfd` (int fd; short events; short revents). */
export const POLLFD_BYTES = 8;

const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;

type LibcSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: LibcSymbols | undefined;
/** struct timespec for ppoll, reused: the call is synchronous. */
const timespec = new BigInt64Array(2);

/** The process's libc symbols, opened on first use. */
export function libcSymbols(): LibcSymbols {
  if (!libc) {
    const name = Deno.build.os === "darwin" ? "libSystem.B.dylib" : "libc.so.6";
    libc = Deno.dlopen(name, SYMBOLS).symbols;
  }
  return libc;
}

/**
 * Blocks the calling (main) thread in `poll` for at most `timeoutUs`
 * microseconds. Returns the number of ready descriptors (0 on timeout,
 * negative on error such as EINTR).
 */
export function pollSync(
  fds: Uint8Array,
  count: number,
  timeoutUs: number,
): number {
  const c = libcSymbols();
  const us = Math.max(0, Math.round(timeoutUs));
  if (c.ppoll) {
    timespec[0] = BigInt(Math.floor(us / 1e6));
    timespec[1] = BigInt((us % 1e6) * 1000);
    return c.ppoll(fds, BigInt(count), timespec, null);
  }
  return c.poll(fds, BigInt(count), Math.ceil(us / 1000));
}

/** Blocks the calling (main) thread in `poll` with no timeout. */
export function pollForever(fds: Uint8Array, count: number): number {
  return libcSymbols().poll(fds, BigInt(count), -1);
}

/** Waits in `poll` on Deno's thread pool until a descriptor is ready. */
export function pollAsync(fds: Uint8Array, count: number): Promise<number> {
  return libcSymbols().poll_async(fds, BigInt(count), -1);
}

/**
 * A descriptor that the reactor polls alongside the sockets, so that a
 * parked `poll` can be ended from the main thread.
 */
export class Waker {
  /** Descriptor to poll for input. */
  readonly fd: number;
  readonly #writeFd: number;
  #pending = false;
  readonly #scratch = new Uint8Array(8);

  /** Opens an eventfd (Linux) or a pipe. */
  constructor() {
    const c = libcSymbols();
    if (c.eventfd) {
      const fd = c.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (fd < 0) throw new Error("Could not create the reactor's eventfd");
      this.fd = fd;
      this.#writeFd = fd;
    } else {
      const pair = new Int32Array(2);
      if (c.pipe(pair) !== 0) {
        throw new Error("Could not create the reactor's wake pipe");
      }
      this.fd = pair[0];
      this.#writeFd = pair[1];
    }
  }

  /** Makes the descriptor readable; at most one wake is outstanding, so a pipe never fills. */
  wake(): void {
    if (this.#pending) return;
    this.#pending = true;
    const one = new Uint8Array(8);
    one[0] = 1;
    libcSymbols().write(this.#writeFd, one, 8n);
  }

  /** Consumes a wake; call only after poll reported the descriptor readable. */
  drain(): void {
    if (!this.#pending) return;
    this.#pending = false;
    libcSymbols().read(this.fd, this.#scratch, 8n);
  }
}

/**
 * Takes an extra, never-released reference to a shared library with
 * `RTLD_NODELETE`. Deno unloads FFI libraries while the process exits, but
 * libzmq's I/O threads keep running until the context is terminated; running
 * unmapped code, they crashed the process at exit (SIGSEGV, ~40% of runs).
 */
export function pinLibrary(path: string): boolean {
  const darwin = Deno.build.os === "darwin";
  const flags = 0x1 /* RTLD_LAZY */ |
    (darwin ? 0x80 : 0x1000) /* RTLD_NODELETE */;
  return libcSymbols().dlopen(new TextEncoder().encode(`${path}\0`), flags) !==
    null;
}

/**
 * Copies `destination.byteLength` bytes from native memory. libc `memcpy`
 * as an FFI fast call takes ~45–85 ns for a small frame, where
 * `Deno.UnsafePointerView.copyInto` takes ~210 ns.
 */
export function copyFromPointer(
  source: Deno.PointerObject,
  destination: Uint8Array,
): void {
  libcSymbols().memcpy(destination, source, BigInt(destination.byteLength));
}

const CLOCK_MONOTONIC = 1;
const TFD_NONBLOCK = 0o4000;
const TFD_CLOEXEC = 0o2000000;

/**
 * A periodic timerfd (Linux) that bounds synchronous waits. On this VM a
 * `ppoll`/`poll` timeout costs a kernel timer armed and cancelled on every
 * wait, which doubled the CPU per REQ/REP round trip (~90 vs ~50 ticks per
 * 10k); a timer that keeps ticking while traffic is brisk, polled alongside
 * the sockets in an untimed `poll`, costs one interrupt per period instead.
 */
export class Ticker {
  /** Descriptor to poll for input. */
  readonly fd: number;
  #armed = false;
  readonly #spec = new BigInt64Array(4);
  readonly #scratch = new Uint8Array(8);

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** A ticker, or null where there is no timerfd (macOS). */
  static create(): Ticker | null {
    const c = libcSymbols();
    if (!c.timerfd_create || !c.timerfd_settime) return null;
    const fd = c.timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? null : new Ticker(fd);
  }

  /** Whether it is ticking. */
  get armed(): boolean {
    return this.#armed;
  }

  /** Starts ticking every `periodUs` (no-op while armed). */
  arm(periodUs: number): void {
    if (this.#armed) return;
    const ns = BigInt(Math.max(1, Math.round(periodUs)) * 1000);
    this.#spec[0] = this.#spec[2] = ns / 1_000_000_000n;
    this.#spec[1] = this.#spec[3] = ns % 1_000_000_000n;
    libcSymbols().timerfd_settime!(this.fd, 0, this.#spec, null);
    this.#armed = true;
  }

  /** Stops ticking (no-op while disarmed), so an idle process gets no interrupts. */
  disarm(): void {
    if (!this.#armed) return;
    this.#spec.fill(0n);
    libcSymbols().timerfd_settime!(this.fd, 0, this.#spec, null);
    this.#armed = false;
    this.drain();
  }

  /** Consumes the expirations counted so far. */
  drain(): void {
    libcSymbols().read(this.fd, this.#scratch, 8n);
  }
}
