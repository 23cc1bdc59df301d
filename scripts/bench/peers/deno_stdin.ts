/**
 * Shared by the Deno benchmark peers: the benchmark ends a peer by closing
 * its stdin.
 *
 * @module
 */

/** Resolves once stdin reaches end of file. */
export async function untilStdinCloses(): Promise<void> {
  for await (const _ of Deno.stdin.readable) {
    // Discard input; only the end matters.
  }
}
