/**
 * `@agora/shared`: the protocol core and helpers every agora process uses.
 *
 * Prefer the narrower entry points (`@agora/shared/protocol`,
 * `@agora/shared/lamport`, `@agora/shared/order`, `@agora/shared/log`,
 * `@agora/shared/config`, `@agora/shared/record`); this module re-exports
 * them all for convenience. The ZeroMQ binding is separate
 * (`@agora/shared/zmq`) so that pure code never loads it.
 *
 * @module
 */

export * from "./protocol/mod.ts";
export * from "./lamport.ts";
export * from "./order.ts";
export * from "./log.ts";
export * from "./config.ts";
export * from "./record.ts";
