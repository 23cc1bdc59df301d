/**
 * Closing every socket when the process is asked to stop.
 *
 * @module
 */

import { terminate } from "./context.ts";

/** Options of {@linkcode closeOnSignals}. */
export interface CloseOnSignalsOptions {
  /** Upper bound for each socket's linger while closing (default 1000 ms). */
  lingerMs?: number;
  /** Exit the process afterwards (default true). */
  exit?: boolean;
  /**
   * The exit code once closed (default 128 + signal number). A service for
   * which a requested stop is a success passes 0. A second signal while
   * closing always exits at once with 128 + signal number.
   */
  exitCode?: number;
  /** Runs first (e.g. flush logs); its failure does not prevent closing. */
  onSignal?: (signal: Deno.Signal) => void | Promise<void>;
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGINT: 2,
  SIGTERM: 15,
  SIGBREAK: 21,
};

/**
 * On SIGINT or SIGTERM (SIGINT/SIGBREAK on Windows): runs `onSignal`, closes
 * every socket with a bounded linger, terminates the context, then exits
 * (unless `exit: false`). A second signal while closing exits at once.
 * Returns a function that removes the handlers.
 *
 * @example
 * ```ts
 * import { closeOnSignals } from "@agora/shared/zmq";
 * const remove = closeOnSignals({ lingerMs: 500 });
 * remove();
 * ```
 */
export function closeOnSignals(
  options: CloseOnSignalsOptions = {},
): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  let closing = false;
  const handlers = signals.map((signal) => {
    const handler = async () => {
      const code = 128 + (SIGNAL_NUMBERS[signal] ?? 0);
      if (closing) Deno.exit(code);
      closing = true;
      try {
        await options.onSignal?.(signal);
      } catch {
        // Closing the sockets matters more than the hook's failure.
      }
      await terminate({ lingerMs: options.lingerMs ?? 1000 });
      if (options.exit ?? true) Deno.exit(options.exitCode ?? code);
      remove();
    };
    Deno.addSignalListener(signal, handler);
    return { signal, handler };
  });
  function remove(): void {
    for (const { signal, handler } of handlers.splice(0)) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch {
        // Already removed.
      }
    }
  }
  return remove;
}
