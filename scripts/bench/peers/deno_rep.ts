/**
 * Deno REP echo server for the REQ/REP benchmark (the binding under test).
 *
 * usage: deno run -A deno_rep.ts BIND_ENDPOINT
 * Prints its resolved endpoint on the first line, then echoes until stdin
 * closes. With AGORA_ZMQ_STATS set, prints the reactor counters to stderr.
 *
 * @module
 */

import { reactorStats, Reply } from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

const rep = new Reply();
await rep.bind(Deno.args[0]);
console.log(rep.lastEndpoint);
untilStdinCloses().then(() => rep.close());
for await (const frames of rep) await rep.send(frames);
if (Deno.env.get("AGORA_ZMQ_STATS")) {
  console.error(JSON.stringify(reactorStats()));
}
