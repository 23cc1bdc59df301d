/**
 * What this machine can carry at all: the same closed-loop load from one
 * pyzmq process (`peers/py_closed_loop.py`, N REQ sockets) against
 *
 * - the real chat server (durable `publish` requests),
 * - a pyzmq ROUTER that echoes each request and does nothing else,
 * - the same echo on this binding (waiting for requests as the server does),
 *
 * in interleaved rounds, so machine noise hits the three alike. The echoes
 * are the ceiling of request/reply over libzmq on this machine with the
 * clients on it too; the server's share of that ceiling shows how much of
 * a throughput target is left to the server and how much the machine
 * already takes. The pyzmq load also separates the server from this
 * binding's client side, which the main throughput rows include.
 *
 * @module
 */

import {
  type Command,
  denoPeer,
  outputJson,
  pythonPeer,
  withPeer,
} from "./peer_process.ts";

/** What {@linkcode measureCeiling} needs. */
export interface CeilingOptions {
  /** The chat server's endpoint. */
  endpoint: string;
  /** A user that logged in there. */
  user: string;
  /** An existing channel. */
  channel: string;
  /** Concurrent REQ sockets. */
  clients: number;
  /** Measured time of each run, ms. */
  durationMs: number;
  /** Unmeasured warm-up of each run, ms. */
  warmupMs: number;
  /** Bytes of message text. */
  messageBytes: number;
  /** Interleaved rounds. */
  rounds: number;
}

/** One line of the measurement: its runs, in round order. */
export interface CeilingLine {
  /** What answered the requests. */
  target: string;
  /** Replies per second of each round. */
  runs: number[];
  /** Requests refused (the server only), over all rounds. */
  failed: number;
}

/** The three lines, server first. */
export interface CeilingResult {
  /** Concurrent REQ sockets. */
  clients: number;
  /** Server, pyzmq echo, binding echo. */
  lines: CeilingLine[];
}

interface LoadOutput {
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
}

/** The chat server's line. */
export const SERVER_TARGET = "the chat server (durable publishes)";
/** The pyzmq echo's line. */
export const PY_ECHO_TARGET = "pyzmq ROUTER echo (no work)";
/** The binding's echo line. */
export const DENO_ECHO_TARGET = "ROUTER echo on this binding (no work)";

/** Runs the measurement (see the module docs). */
export async function measureCeiling(
  options: CeilingOptions,
): Promise<CeilingResult> {
  const load = (endpoint: string, mode: "publish" | "echo") =>
    outputJson<LoadOutput>(pythonPeer(
      "py_closed_loop.py",
      endpoint,
      String(options.clients),
      String(options.warmupMs / 1000),
      String(options.durationMs / 1000),
      mode,
      options.user,
      options.channel,
      String(options.messageBytes),
    ));
  const echo = (peer: Command): Promise<LoadOutput> =>
    withPeer(peer, (endpoint) => load(endpoint, "echo"));
  const lines: CeilingLine[] = [
    SERVER_TARGET,
    PY_ECHO_TARGET,
    DENO_ECHO_TARGET,
  ].map((target) => ({ target, runs: [], failed: 0 }));
  const [server, pyEcho, denoEcho] = lines;
  const record = (line: CeilingLine, output: LoadOutput) => {
    line.runs.push(output.perSecond);
    line.failed += output.failed;
  };
  for (let round = 0; round < options.rounds; round++) {
    record(server, await load(options.endpoint, "publish"));
    record(
      pyEcho,
      await echo(pythonPeer("py_rep.py", "tcp://127.0.0.1:*", "router")),
    );
    record(
      denoEcho,
      await echo(denoPeer("deno_rep.ts", "tcp://127.0.0.1:*", "router")),
    );
  }
  return { clients: options.clients, lines };
}
