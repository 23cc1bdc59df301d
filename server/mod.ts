/**
 * The agora chat server. Entry point of `@agora/server`; the durable
 * storage (`./storage.ts`, also exported as `@agora/server/storage`) is
 * re-exported here.
 *
 * @module
 */

export * from "./storage.ts";
