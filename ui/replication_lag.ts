/**
 * How far behind each server's replica is, from the servers' `sync_state`
 * vectors (origin → highest contiguous sequence held).
 *
 * @module
 */

/**
 * For each server, the records it lacks compared with the most advanced of
 * the given servers, summed over origins. Pass only servers that answered:
 * a stopped server's stale vector must not count as the frontier.
 *
 * @param vectors Server name → its replication vector.
 * @returns Server name → missing record count (0 = in sync).
 *
 * @example
 * ```ts
 * import { replicationLag } from "./replication_lag.ts";
 * replicationLag({
 *   server_1: { server_1: 10, server_2: 4 },
 *   server_2: { server_1: 7, server_2: 4 },
 * }); // { server_1: 0, server_2: 3 }
 * ```
 */
export function replicationLag(
  vectors: Record<string, Record<string, number>>,
): Record<string, number> {
  const frontier = new Map<string, number>();
  for (const vector of Object.values(vectors)) {
    for (const [origin, seq] of Object.entries(vector)) {
      frontier.set(origin, Math.max(frontier.get(origin) ?? 0, seq));
    }
  }
  const lag: Record<string, number> = {};
  for (const [server, vector] of Object.entries(vectors)) {
    let missing = 0;
    for (const [origin, seq] of frontier) {
      missing += Math.max(0, seq - (vector[origin] ?? 0));
    }
    lag[server] = missing;
  }
  return lag;
}
