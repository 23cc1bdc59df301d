/**
 * XSUB/XPUB proxy on startProxy (the binding under test) for the proxy
 * benchmark.
 *
 * usage: deno run -A deno_proxy.ts
 * Prints "FRONTEND BACKEND" endpoints on one line, forwards until stdin
 * closes, then stops the proxy.
 *
 * @module
 */

import { startProxy } from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

const proxy = await startProxy({
  frontend: {
    type: "xsub",
    bind: "tcp://127.0.0.1:*",
    receiveHighWaterMark: 0,
    sendHighWaterMark: 0,
  },
  backend: {
    type: "xpub",
    bind: "tcp://127.0.0.1:*",
    receiveHighWaterMark: 0,
    sendHighWaterMark: 0,
  },
});
console.log(`${proxy.frontendEndpoint} ${proxy.backendEndpoint}`);
await untilStdinCloses();
await proxy.stop();
