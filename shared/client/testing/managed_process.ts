/**
 * A child Deno process for integration tests: its output kept in a bounded
 * buffer (for failure messages), stopped with SIGTERM then SIGKILL.
 *
 * @module
 */

/** Options of {@linkcode ManagedProcess.start}. */
export interface ManagedProcessOptions {
  /** Name for messages. */
  name: string;
  /** Entry point (absolute path). */
  main: string;
  /** Arguments after the entry point. */
  args?: string[];
  /** Deno permission flags (default `["-A"]`). */
  permissions?: string[];
  /** Environment, added to a minimal pass-through of the parent's. */
  env: Record<string, string>;
  /** Working directory. */
  cwd: string;
  /** Deno config file (absolute path). */
  config: string;
}

const OUTPUT_LIMIT_CHARS = 64 * 1024;
const PASSED = [
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "TZ",
  "XDG_CACHE_HOME",
  "LD_LIBRARY_PATH",
  "ZMQ_LIBRARY",
];

/** The parent's variables a child needs to run Deno (no `AGORA_*` leaks in). */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (
      PASSED.includes(name) || name.startsWith("DENO_") ||
      name.startsWith("AGORA_ZMQ_")
    ) {
      env[name] = value;
    }
  }
  return env;
}

/** A running child process. */
export class ManagedProcess {
  /** Name for messages. */
  readonly name: string;
  readonly #child: Deno.ChildProcess;
  readonly #readers: Promise<void>;
  #output = "";
  #status: Deno.CommandStatus | undefined;

  private constructor(name: string, child: Deno.ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#readers = Promise.all([
      this.#drain(child.stdout),
      this.#drain(child.stderr),
    ]).then(() => undefined);
    child.status.then((status) => this.#status = status);
  }

  /** Spawns the process. */
  static start(options: ManagedProcessOptions): ManagedProcess {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--config=${options.config}`,
        ...(options.permissions ?? ["-A"]),
        options.main,
        ...(options.args ?? []),
      ],
      cwd: options.cwd,
      env: { ...baseEnv(), ...options.env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new ManagedProcess(options.name, child);
  }

  /** The last 64 KiB of its stdout and stderr, interleaved. */
  get output(): string {
    return this.#output;
  }

  /** Its exit status, once it exited. */
  get status(): Deno.CommandStatus | undefined {
    return this.#status;
  }

  /** Its process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /**
   * Asks it to stop (`signal`, default SIGTERM), kills it after `graceMs`,
   * and waits until it exited and its output is drained.
   */
  async stop(
    signal: Deno.Signal = "SIGTERM",
    graceMs = 5000,
  ): Promise<Deno.CommandStatus> {
    if (this.#status === undefined) {
      try {
        this.#child.kill(signal);
      } catch {
        // Already gone.
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        try {
          this.#child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        resolve();
      }, graceMs);
    });
    try {
      await Promise.race([this.#child.status, killed]);
      const status = await this.#child.status;
      await this.#readers;
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the process to exit by itself (no signal), at most `timeoutMs`. */
  async exited(timeoutMs: number): Promise<Deno.CommandStatus> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.name} did not exit within ${timeoutMs} ms:\n${this.#output}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const status = await Promise.race([this.#child.status, late]);
      await this.#readers;
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        this.#output += decoder.decode(chunk, { stream: true });
        if (this.#output.length > OUTPUT_LIMIT_CHARS) {
          this.#output = this.#output.slice(-OUTPUT_LIMIT_CHARS / 2);
        }
      }
    } catch {
      // The pipe broke: the process is gone.
    }
  }
}
