/**
 * A small structured logger: JSON lines `{ts, level, svc, event, ...fields}`
 * to `<dir>/<service>.jsonl`, and a readable line to stdout.
 *
 * Writes are buffered and asynchronous (lines logged while a write is in
 * flight go out together in the next one), bounded (past the buffer limit
 * lines are dropped and counted), and never throw: if the log file cannot
 * be opened or written, the logger says so once on stdout and carries on
 * with stdout only. Call {@link Logger.close} before exiting to flush.
 *
 * Environment: `AGORA_LOG_DIR` (default `logs`), `AGORA_LOG_LEVEL`
 * (`debug`, `info`, `warn`, `error`; default `info`). Options win over both.
 *
 * @example
 * ```ts
 * import { createLogger } from "@agora/shared/log";
 * const log = createLogger({ service: "server_1" });
 * log.info("listening", { endpoint: "tcp://*:5555" });
 * log.warn("peer_timeout", { peer: "server_2", timeoutMs: 1000 });
 * await log.close();
 * ```
 *
 * @module
 */

/** Severity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The levels, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(
  [
    "debug",
    "info",
    "warn",
    "error",
  ] as const,
);

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Process name: the `svc` field and the file name (`<service>.jsonl`). */
  service: string;
  /** Directory of the file; default `AGORA_LOG_DIR`, else `logs`. */
  dir?: string;
  /** Lowest level written; default `AGORA_LOG_LEVEL`, else `info`. */
  level?: LogLevel;
  /** Write the JSON lines file (default true). */
  file?: boolean;
  /**
   * Readable lines: `true` (default) to stdout, `false` for none, or a
   * writer (like `Deno.stdout.write`) to send them elsewhere.
   */
  stdout?: boolean | ((bytes: Uint8Array) => Promise<number>);
  /** Clock for `ts`, milliseconds since the epoch (default `Date.now`). */
  nowMs?: () => number;
  /** Most bytes buffered per output before lines are dropped (default 4 MiB). */
  maxBufferedBytes?: number;
}

/** A logger made by {@link createLogger}. */
export interface Logger {
  /** The `svc` of every line. */
  readonly service: string;
  /** The lowest level written. */
  readonly level: LogLevel;
  /** Path of the JSON lines file, or `undefined` when there is none. */
  readonly path: string | undefined;
  /** Whether lines of `level` are written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  /** Logs at debug level. */
  debug(event: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(event: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(event: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(event: string, fields?: LogFields): void;
  /** Resolves when everything logged so far is written. */
  flush(): Promise<void>;
  /** Flushes and closes the file; later calls to log are ignored. */
  close(): Promise<void>;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const encoder = new TextEncoder();

/**
 * Creates a logger. Never throws for I/O reasons.
 *
 * @throws {TypeError} if `options.service` is empty (a programming error)
 */
export function createLogger(options: LoggerOptions): Logger {
  if (typeof options.service !== "string" || options.service.length === 0) {
    throw new TypeError("Cannot create a logger without a service name.");
  }
  const service = options.service;
  const nowMs = options.nowMs ?? Date.now;
  const maxBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const envLevel = _env("AGORA_LOG_LEVEL")?.toLowerCase();
  const level: LogLevel = options.level ??
    (LOG_LEVELS.includes(envLevel as LogLevel) ? envLevel as LogLevel : "info");
  const writeStdout = typeof options.stdout === "function"
    ? options.stdout
    : (bytes: Uint8Array) => Deno.stdout.write(bytes);
  const stdout = options.stdout === false ? undefined : new _Sink(
    writeStdout,
    maxBytes,
    (count) =>
      `${
        new Date(nowMs()).toISOString()
      } WARN  ${service} log_lines_dropped count=${count}\n`,
    () => undefined,
  );
  let file: Deno.FsFile | undefined;
  let path: string | undefined;
  const notices: string[] = [];
  if (
    envLevel !== undefined && options.level === undefined && level !== envLevel
  ) {
    notices.push(
      `Ignoring AGORA_LOG_LEVEL="${envLevel}": expected one of ${
        LOG_LEVELS.join(", ")
      }.`,
    );
  }
  if (options.file !== false) {
    const dir = options.dir ?? _env("AGORA_LOG_DIR") ?? "logs";
    path = `${dir.replace(/\/+$/, "") || "."}/${_fileName(service)}.jsonl`;
    try {
      Deno.mkdirSync(dir, { recursive: true });
      file = Deno.openSync(path, { create: true, append: true });
    } catch (error) {
      notices.push(
        `Cannot open the log file "${path}" (${
          _text(error)
        }); logging to stdout only.`,
      );
      path = undefined;
    }
  }
  const fileSink = file === undefined ? undefined : new _Sink(
    (bytes) => file.write(bytes),
    maxBytes,
    (count) =>
      _jsonLine(nowMs(), "warn", service, "log_lines_dropped", { count }) +
      "\n",
    (error) => {
      stdout?.push(_readableLine(nowMs(), "warn", service, "log_file_failed", {
        path,
        error: _text(error),
      }));
      _closeQuietly(file);
    },
  );
  let closed = false;

  function write(lineLevel: LogLevel, event: string, fields?: LogFields): void {
    if (closed || RANK[lineLevel] < RANK[level]) return;
    try {
      const ms = nowMs();
      fileSink?.push(_jsonLine(ms, lineLevel, service, event, fields) + "\n");
      stdout?.push(_readableLine(ms, lineLevel, service, event, fields));
    } catch {
      // A logger must never take its process down.
    }
  }

  for (const notice of notices) write("warn", "log_setup", { notice });

  return {
    service,
    level,
    path,
    enabled: (lineLevel) => RANK[lineLevel] >= RANK[level],
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    flush: async () => {
      await Promise.all([fileSink?.flush(), stdout?.flush()]);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([fileSink?.flush(), stdout?.flush()]);
      if (file !== undefined && !fileSink?.failed) _closeQuietly(file);
    },
  };
}

/** One output: lines queue here while the previous write is in flight. */
class _Sink {
  failed = false;
  #lines: string[] = [];
  #bytes = 0;
  #dropped = 0;
  #running: Promise<void> | undefined;
  readonly #write: (bytes: Uint8Array) => Promise<number>;
  readonly #maxBytes: number;
  readonly #droppedLine: (count: number) => string;
  readonly #onFail: (error: unknown) => void;

  constructor(
    write: (bytes: Uint8Array) => Promise<number>,
    maxBytes: number,
    droppedLine: (count: number) => string,
    onFail: (error: unknown) => void,
  ) {
    this.#write = write;
    this.#maxBytes = maxBytes;
    this.#droppedLine = droppedLine;
    this.#onFail = onFail;
  }

  push(line: string): void {
    if (this.failed) return;
    if (this.#bytes + line.length > this.#maxBytes) {
      this.#dropped++;
      return;
    }
    this.#lines.push(line);
    this.#bytes += line.length;
    this.#running ??= this.#drain();
  }

  flush(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#lines.length > 0 || this.#dropped > 0) {
        let text = this.#lines.join("");
        if (this.#dropped > 0) text += this.#droppedLine(this.#dropped);
        this.#lines = [];
        this.#bytes = 0;
        this.#dropped = 0;
        let bytes = encoder.encode(text);
        while (bytes.length > 0) {
          const written = await this.#write(bytes);
          bytes = bytes.subarray(written);
        }
      }
    } catch (error) {
      this.failed = true;
      this.#lines = [];
      try {
        this.#onFail(error);
      } catch {
        // Nothing left to report to.
      }
    } finally {
      this.#running = undefined;
    }
  }
}

function _jsonLine(
  ms: number,
  level: LogLevel,
  svc: string,
  event: string,
  fields?: LogFields,
): string {
  // Null prototype: a field named "__proto__" stays a plain field.
  const record: Record<string, unknown> = Object.create(null);
  record.ts = new Date(ms).toISOString();
  record.level = level;
  record.svc = svc;
  record.event = event;
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      if (!Object.hasOwn(record, key)) record[key] = fields[key];
    }
  }
  try {
    return JSON.stringify(record, _replacer);
  } catch (error) {
    return JSON.stringify({
      ts: record.ts,
      level,
      svc,
      event,
      log_error: `The fields could not be serialised: ${_text(error)}`,
    });
  }
}

function _readableLine(
  ms: number,
  level: LogLevel,
  svc: string,
  event: string,
  fields?: LogFields,
): string {
  let line = `${new Date(ms).toISOString()} ${
    level.toUpperCase().padEnd(5)
  } ${svc} ${event}`;
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      line += ` ${key}=${_readableValue(fields[key])}`;
    }
  }
  return line + "\n";
}

function _readableValue(value: unknown): string {
  if (typeof value === "string") {
    // Quote anything that could be mistaken for the next field or line.
    // deno-lint-ignore no-control-regex
    return /^[^\s"=\u0000-\u001f\u007f-\u009f]+$/.test(value)
      ? value
      : JSON.stringify(value);
  }
  try {
    return JSON.stringify(value, _replacer) ?? String(value);
  } catch {
    return "[unserialisable]";
  }
}

function _replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

function _env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    // No --allow-env: behave as if unset.
    return undefined;
  }
}

function _fileName(service: string): string {
  return service.replace(/[^A-Za-z0-9._-]/g, "_");
}

function _text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function _closeQuietly(file: Deno.FsFile): void {
  try {
    file.close();
  } catch {
    // Already closed.
  }
}
