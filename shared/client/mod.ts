/**
 * The agora client library, for the terminal client, the bots, the web UI
 * and test tools: typed requests to the chat servers with failover (Lazy
 * Pirate over every known server), a Lamport clock, live publications
 * through the proxy with exact topic matching, and a small reference
 * client. See `README.md` beside this file.
 *
 * @example
 * ```ts
 * import { AgoraClient, AgoraError } from "@agora/shared/client";
 * const client = new AgoraClient({
 *   reference: "tcp://127.0.0.1:5559",
 *   proxy: "tcp://127.0.0.1:5558",
 * });
 * try {
 *   await client.login("ana");
 *   for await (const message of client.channelMessages("general")) {
 *     console.log(message.user, message.message);
 *     break;
 *   }
 * } catch (error) {
 *   if (error instanceof AgoraError) console.error(error.code, error.message);
 * } finally {
 *   await client.close();
 * }
 * ```
 *
 * @module
 */

export {
  AgoraClient,
  type AgoraClientOptions,
  type CallOptions,
  type HistoryPage,
  type Sent,
} from "./agora_client.ts";
export type { Answer } from "./call.ts";
export {
  AgoraError,
  type AgoraErrorCode,
  type AgoraErrorInit,
  type AttemptFailure,
} from "./errors.ts";
export { MessageQueue, type MessageStream } from "./message_queue.ts";
export {
  CLIENT_CONNECTION_OPTIONS,
  type ClientConnectionConfig,
  clientOptionsFromConfig,
} from "./options.ts";
export {
  type FeedStats,
  PublicationFeed,
  type PublicationFeedOptions,
  type ServerAnnouncement,
  type Subscription,
} from "./publication_feed.ts";
export {
  ReferenceClient,
  type ReferenceClientOptions,
} from "./reference_client.ts";
export {
  ExchangeFailure,
  RequestSockets,
  type RequestSocketsOptions,
} from "./request_sockets.ts";
export { ServerPool, type ServerPoolOptions } from "./server_pool.ts";
export { sleep } from "./sleep.ts";
export { TopicTable } from "./topic_table.ts";
