/**
 * ROUTER that answers every request with the request itself and does no
 * other work, on this binding: the transport's ceiling for the chat-core
 * benchmark. It waits for requests the way the chat server does (the
 * binding's synchronous waits, `AGORA_ZMQ_SYNC_WAIT_US`, default here as in
 * the server: 2000 µs).
 *
 * usage: deno run -A deno_router_echo.ts BIND_ENDPOINT
 * Prints its resolved endpoint on the first line, then echoes until stdin
 * closes.
 *
 * @module
 */

import { Router, setSyncWaitUs } from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

setSyncWaitUs(Number(Deno.env.get("AGORA_ZMQ_SYNC_WAIT_US") ?? 2000));
const router = new Router({ linger: 0 });
await router.bind(Deno.args[0]);
console.log(router.lastEndpoint);
untilStdinCloses().then(() => router.close());
for await (const frames of router) await router.send(frames);
