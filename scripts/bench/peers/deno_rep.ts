/**
 * Deno echo server on the binding under test: a REP for the REQ/REP
 * benchmark, or (`router`) a ROUTER for the chat-core benchmark's ceiling,
 * answering every request with itself and doing no other work. A ROUTER
 * waits for requests the way the chat server does (synchronous waits,
 * `AGORA_ZMQ_SYNC_WAIT_US`, default there as in the server: 2000 µs); a REP
 * keeps the binding's default unless the variable says otherwise.
 *
 * usage: deno run -A deno_rep.ts BIND_ENDPOINT [router]
 * Prints its resolved endpoint on the first line, then echoes until stdin
 * closes. With AGORA_ZMQ_STATS set, prints the reactor counters to stderr.
 *
 * @module
 */

import {
  reactorStats,
  Reply,
  Router,
  setSyncWaitUs,
} from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

const router = Deno.args[1] === "router";
if (router) {
  setSyncWaitUs(Number(Deno.env.get("AGORA_ZMQ_SYNC_WAIT_US") ?? 2000));
}
const socket = router ? new Router({ linger: 0 }) : new Reply();
await socket.bind(Deno.args[0]);
console.log(socket.lastEndpoint);
untilStdinCloses().then(() => socket.close());
for await (const frames of socket) await socket.send(frames);
if (Deno.env.get("AGORA_ZMQ_STATS")) {
  console.error(JSON.stringify(reactorStats()));
}
