/**
 * Deno publisher for the PUB/SUB benchmark (the binding under test); same
 * behaviour as py_pub.py in "bind" mode.
 *
 * usage: deno run -A deno_pub.ts ENDPOINT COUNT SIZE
 *
 * @module
 */

import { XPublisher } from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

const [endpoint, count, size] = [
  Deno.args[0],
  Number(Deno.args[1]),
  Number(Deno.args[2]),
];
const pub = new XPublisher({ sendHighWaterMark: 0, receiveTimeout: 30_000 });
await pub.bind(endpoint);
console.log(pub.lastEndpoint);
await pub.receive(); // the subscription: from now on nothing is dropped
const payload = new Uint8Array(size).fill(120);
for (let i = 0; i < count; i++) await pub.send(payload);
await untilStdinCloses();
pub.close();
