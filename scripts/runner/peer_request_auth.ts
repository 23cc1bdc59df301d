/**
 * The `auth` of a signed server-to-server request, for tools that ask
 * servers for `status` or `sync_state`: an HMAC-SHA256 keyed with the
 * cluster secret over `"agora/request/v1\n" + JSON([service, timestamp,
 * clock, ...fields])`, as lowercase hex. This is the format
 * `server/peer_auth.ts` defines (a test checks that the two agree); it is
 * restated here so that tools do not import the server's internals.
 *
 * @module
 */

import { createHmac } from "node:crypto";

/**
 * The MAC of a request of `service` stamped with `stamp`, covering
 * `fields` (none for `status` and `sync_state`).
 *
 * @example
 * ```ts
 * import { requestAuth } from "./peer_request_auth.ts";
 * requestAuth("secret", "status", { timestamp: 1764190000.5, clock: 3 }).length; // 64
 * ```
 */
export function requestAuth(
  secret: string,
  service: string,
  stamp: { timestamp: number; clock: number },
  fields: readonly unknown[] = [],
): string {
  const text = "agora/request/v1\n" +
    JSON.stringify([service, stamp.timestamp, stamp.clock, ...fields]);
  return createHmac("sha256", secret).update(text).digest("hex");
}
