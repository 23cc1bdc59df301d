/**
 * A Deno process with sockets open and receives pending, doing nothing, for
 * the idle CPU measurement.
 *
 * usage: deno run -A deno_idle.ts
 * Prints "ready" once set up; exits when stdin closes.
 *
 * @module
 */

import { Dealer, Reply, Subscriber } from "../../../shared/zmq/mod.ts";
import { untilStdinCloses } from "./deno_stdin.ts";

const rep = new Reply();
await rep.bind("tcp://127.0.0.1:*");
const sub = new Subscriber();
sub.connect("tcp://127.0.0.1:9");
sub.subscribe();
const dealer = new Dealer();
dealer.connect(rep.lastEndpoint);
const pending = [rep.receive(), sub.receive(), dealer.receive()].map((p) =>
  p.catch(() => {})
);
console.log("ready");
await untilStdinCloses();
for (const socket of [rep, sub, dealer]) socket.close();
await Promise.all(pending);
