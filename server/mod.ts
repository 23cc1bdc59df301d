/**
 * The agora chat server. Entry point of `@agora/server`: the server itself
 * ({@linkcode ChatServer}, run by `server/main.ts`), the HMAC peers use
 * ({@linkcode PeerAuth}), and the durable storage (`./storage.ts`, also
 * exported as `@agora/server/storage`). Test helpers that start real
 * clusters are `@agora/server/testing/cluster` and
 * `@agora/server/testing/client`.
 *
 * @module
 */

export * from "./storage.ts";
export {
  advertisedAddress,
  ChatServer,
  type ChatServerConfig,
} from "./chat_server.ts";
export { PeerAuth, REQUEST_FRESHNESS_SECONDS } from "./peer_auth.ts";
