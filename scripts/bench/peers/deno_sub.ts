/**
 * Deno subscriber for the PUB/SUB benchmark (the binding under test); same
 * behaviour and output as py_sub.py.
 *
 * usage: deno run -A deno_sub.ts ENDPOINT COUNT
 *
 * @module
 */

import { Subscriber } from "../../../shared/zmq/mod.ts";

const [endpoint, count] = [Deno.args[0], Number(Deno.args[1])];
const sub = new Subscriber({ receiveHighWaterMark: 0, receiveTimeout: 10_000 });
sub.subscribe();
sub.connect(endpoint);
let received = 0;
let startMs = 0;
let endMs = 0;
try {
  await sub.receive();
  startMs = endMs = performance.now();
  received = 1;
  while (received < count) {
    await sub.receive();
    received++;
  }
  endMs = performance.now();
} catch {
  // Timed out: report what arrived.
}
const seconds = (endMs - startMs) / 1000;
console.log(
  JSON.stringify({
    messages: received,
    seconds,
    perSecond: seconds > 0 ? (received - 1) / seconds : 0,
  }),
);
sub.close();
