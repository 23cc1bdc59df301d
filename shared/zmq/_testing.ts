/**
 * Helpers for this folder's tests: deadlines, condition polling and pyzmq
 * peer processes. Not part of the public API.
 *
 * @module
 */

import { ZmqError, type ZmqErrorCode } from "./errors.ts";

/** Rejects if `promise` has not settled within `timeoutMs`. */
export function within<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`),
        ),
      timeoutMs,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every `stepMs` until it holds, or throws after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  stepMs = 5,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Text of frames, for assertions. */
export function texts(frames: Uint8Array[]): string[] {
  const decoder = new TextDecoder();
  return frames.map((f) => decoder.decode(f));
}

/** Debian's python with pyzmq (the pyenv one on PATH has no zmq). */
export const PYTHON = "/usr/bin/python3";

/** Whether pyzmq can be used (tests that need it are ignored otherwise). */
export const hasPyzmq: boolean = (() => {
  try {
    return new Deno.Command(PYTHON, {
      args: ["-c", "import zmq"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/** A pyzmq peer process running `testdata/peer.py`. */
export class PyPeer {
  readonly #child: Deno.ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      lineSplitter(),
    )[Symbol.asyncIterator]();
    this.#stdin = child.stdin.getWriter();
  }

  /** Starts `peer.py MODE ...args` and waits for its "ready <endpoint>" line; returns the peer and endpoint. */
  static async start(
    mode: string,
    ...args: string[]
  ): Promise<{ peer: PyPeer; endpoint: string }> {
    const script = new URL("./testdata/peer.py", import.meta.url).pathname;
    const child = new Deno.Command(PYTHON, {
      args: [script, mode, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const peer = new PyPeer(child);
    const first = await within(
      peer.line(),
      10_000,
      `python peer "${mode}" to start`,
    );
    if (!first.startsWith("ready ")) {
      throw new Error(`python peer "${mode}" said ${JSON.stringify(first)}`);
    }
    return { peer, endpoint: first.slice("ready ".length) };
  }

  /** The next stdout line (throws at end of output). */
  async line(): Promise<string> {
    const next = await this.#lines.next();
    if (next.done) throw new Error("python peer ended its output");
    return next.value;
  }

  /** The next stdout line parsed as JSON, within `timeoutMs`. */
  async json<T>(timeoutMs = 10_000): Promise<T> {
    return JSON.parse(
      await within(this.line(), timeoutMs, "python peer output"),
    ) as T;
  }

  /** Closes stdin (the peer's signal to exit) and waits for the process. */
  async stop(): Promise<Deno.CommandStatus> {
    await this.#stdin.close().catch(() => {});
    // Drain remaining output so the pipe is released.
    for (;;) {
      const next = await this.#lines.next().catch(() => ({
        done: true as const,
        value: undefined,
      }));
      if (next.done) break;
    }
    return await within(this.#child.status, 10_000, "python peer to exit");
  }
}

function lineSplitter(): TransformStream<string, string> {
  let buffered = "";
  return new TransformStream({
    transform(chunk, controller) {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (buffered) controller.enqueue(buffered);
    },
  });
}

/** Awaits `action` and returns the ZmqError it rejects with; fails if it resolves or rejects otherwise. */
export async function rejectsWith(
  action: () => Promise<unknown>,
  code: ZmqErrorCode,
): Promise<ZmqError> {
  try {
    await action();
  } catch (e) {
    if (e instanceof ZmqError && e.code === code) return e;
    throw new Error(
      `Expected a ZmqError with code ${code}, got ${
        e instanceof ZmqError ? e.code : String(e)
      }`,
      {
        cause: e,
      },
    );
  }
  throw new Error(
    `Expected a ZmqError with code ${code}, but the operation succeeded`,
  );
}

/** Calls `action` and returns the ZmqError it throws synchronously. */
export function throwsWith(
  action: () => unknown,
  code: ZmqErrorCode,
): ZmqError {
  try {
    action();
  } catch (e) {
    if (e instanceof ZmqError && e.code === code) return e;
    throw new Error(
      `Expected a ZmqError with code ${code}, got ${
        e instanceof ZmqError ? e.code : String(e)
      }`,
      {
        cause: e,
      },
    );
  }
  throw new Error(
    `Expected a ZmqError with code ${code}, but nothing was thrown`,
  );
}
