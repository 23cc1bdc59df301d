/**
 * Tests that need something outside Deno (Debian's python3-zmq, Chromium,
 * tmux) use one policy: on a developer's machine without it they are skipped
 * with a note saying what to install; under CI (`CI` set, as `.ci/run` runs)
 * they always run, so a missing install fails loudly instead of passing by
 * skipping.
 *
 * @module
 */

/**
 * Whether a test needing `what` should be ignored: false when `available`,
 * or when running under CI; otherwise true, after printing how to install it.
 *
 * @example
 * ```ts
 * import { skipUnless } from "@agora/shared/testing/prerequisite";
 * Deno.test({
 *   name: "talks to pyzmq",
 *   ignore: skipUnless(false, "pyzmq", "apt-get install python3-zmq"),
 *   fn() {},
 * });
 * ```
 */
export function skipUnless(
  available: boolean,
  what: string,
  install: string,
): boolean {
  if (available) return false;
  const ci = Deno.env.get("CI");
  if (ci !== undefined && ci !== "" && ci !== "0" && ci !== "false") {
    return false;
  }
  console.warn(`Skipping tests that need ${what}: ${install}`);
  return true;
}

/** Whether `command args…` runs and exits 0 (for probing prerequisites). */
export function commandWorks(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
