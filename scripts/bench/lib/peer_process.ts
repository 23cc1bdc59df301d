/**
 * Benchmark peers as child processes: the programs in `scripts/bench/peers/`
 * (Deno with this binding, Debian's python3 with pyzmq), either run to
 * completion for one JSON line ({@linkcode outputJson}) or kept running as
 * a server that prints its endpoint first and stops when its stdin closes
 * ({@linkcode Peer}).
 *
 * @module
 */

/** The peers' directory, with a trailing slash. */
export const PEERS: string = new URL("../peers/", import.meta.url).pathname;

/** Debian's python3 (the one with `python3-zmq` and `python3-msgpack`). */
export const PYTHON = "/usr/bin/python3";

/** A program to run. */
export interface Command {
  /** Executable. */
  program: string;
  /** Its arguments. */
  args: string[];
  /** Its environment on top of this process's. */
  env?: Record<string, string>;
}

/** A Deno peer script, run with all permissions (benchmarks only). */
export function denoPeer(script: string, ...args: string[]): Command {
  return {
    program: Deno.execPath(),
    args: ["run", "-A", `${PEERS}${script}`, ...args],
  };
}

/** A pyzmq peer script. */
export function pythonPeer(script: string, ...args: string[]): Command {
  return { program: PYTHON, args: [`${PEERS}${script}`, ...args] };
}

/** A long-running peer: first stdout line read, ended by closing its stdin. */
export class Peer {
  readonly #child: Deno.ChildProcess;
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffered = "";

  /** Starts `command` with piped stdin and stdout. */
  constructor(command: Command) {
    this.#child = new Deno.Command(command.program, {
      args: command.args,
      env: command.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#reader = this.#child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
  }

  /** The child's pid. */
  get pid(): number {
    return this.#child.pid;
  }

  /**
   * The next line the peer prints (its endpoint, first); rejects after
   * `timeoutMs` (a peer that prints nothing must not hang the benchmark).
   */
  async line(timeoutMs = 30_000): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("peer did not answer in time")),
        timeoutMs,
      );
    });
    try {
      while (!this.#buffered.includes("\n")) {
        const chunk = await Promise.race([this.#reader.read(), timeout]);
        if (chunk.done) throw new Error("peer exited before answering");
        this.#buffered += chunk.value;
      }
    } finally {
      clearTimeout(timer);
    }
    const at = this.#buffered.indexOf("\n");
    const line = this.#buffered.slice(0, at).trim();
    this.#buffered = this.#buffered.slice(at + 1);
    return line;
  }

  /** Closes its stdin and waits for it to exit (killed after 10 s). */
  async stop(): Promise<void> {
    await this.#child.stdin.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 10_000);
    try {
      await this.#reader.cancel().catch(() => {});
      await this.#child.status;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Starts `command` as a {@linkcode Peer}, hands its first line (its
 * endpoint) and itself to `use`, and stops it afterwards, whatever `use` did.
 */
export async function withPeer<T>(
  command: Command,
  use: (firstLine: string, peer: Peer) => Promise<T>,
): Promise<T> {
  const peer = new Peer(command);
  try {
    return await use(await peer.line(), peer);
  } finally {
    await peer.stop();
  }
}

/** Runs `command` to completion and parses its last stdout line as JSON. */
export async function outputJson<T>(command: Command): Promise<T> {
  const output = await new Deno.Command(command.program, {
    args: command.args,
    env: command.env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  if (!output.success) {
    throw new Error(`${command.args.join(" ")} failed: ${text}`);
  }
  return JSON.parse(text.split("\n").pop() ?? "") as T;
}
