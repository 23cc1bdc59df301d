/**
 * The agora pub/sub proxy (XSUB 5557 ← publishers, XPUB 5558 → subscribers).
 * Run `proxy/main.ts --help` for its options.
 *
 * @module
 */

export { proxyOptions } from "./options.ts";
