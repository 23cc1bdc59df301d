/**
 * Polling with a deadline, for integration tests (never fixed sleeps).
 *
 * @module
 */

/**
 * Calls `probe` every `stepMs` until it returns something other than
 * `undefined`/`false`, and returns that; throws after `timeoutMs` with
 * `what` and the last error the probe threw.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  stepMs = 20,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const why = lastError === undefined
        ? ""
        : ` (last error: ${
          lastError instanceof Error ? lastError.message : String(lastError)
        })`;
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${why}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
