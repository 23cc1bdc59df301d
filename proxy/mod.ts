/**
 * The agora pub/sub proxy (XSUB 5557 ← publishers, XPUB 5558 → subscribers).
 * It is a program, not a library: run `proxy/main.ts --help` for its options.
 * The forwarding itself is `startProxy` in `@agora/shared/zmq`.
 *
 * @module
 */

export {};
