/**
 * An abortable wait, for retry pauses and paced loops.
 *
 * @module
 */

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects): a
 * loop that pauses between attempts stops promptly when it is closed.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
