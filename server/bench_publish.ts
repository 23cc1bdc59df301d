/**
 * Quick throughput check of one running server: N concurrent REQ clients
 * publish as fast as they can for a while; prints acknowledged (durable)
 * publishes per second.
 *
 * Usage: `deno run -A server/bench_publish.ts <endpoint> [clients=32]
 * [seconds=5] [bytes=100]`
 *
 * @module
 */

import {
  encodeRequest,
  parseReply,
  type RequestInput,
  type RequestService,
} from "@agora/shared/protocol";
import { Request } from "@agora/shared/zmq";

/** Result of {@linkcode benchPublish}. */
export interface BenchResult {
  /** Acknowledged publishes per second. */
  publishesPerSecond: number;
  /** Publishes answered with an error. */
  errors: number;
  /** Median round trip, ms. */
  medianMs: number;
  /** 99th percentile round trip, ms. */
  p99Ms: number;
}

async function call<S extends RequestService>(
  socket: Request,
  service: S,
  data: RequestInput<S>,
): Promise<Uint8Array> {
  await socket.send(
    encodeRequest(service, data, { timestamp: Date.now() / 1000, clock: 1 }),
  );
  return (await socket.receive())[0];
}

/** Runs the benchmark against `endpoint`. */
export async function benchPublish(
  endpoint: string,
  clients: number,
  seconds: number,
  bytes: number,
): Promise<BenchResult> {
  const sockets = Array.from({ length: clients }, () => {
    const socket = new Request({ linger: 0, receiveTimeout: 10_000 });
    socket.connect(endpoint);
    return socket;
  });
  try {
    await call(sockets[0], "login", { user: "bench_user" });
    await call(sockets[0], "channel", { channel: "bench_channel" });
    const message = "x".repeat(bytes);
    const latenciesMs: number[] = [];
    let acknowledged = 0;
    let errors = 0;
    const startMs = performance.now();
    const endMs = startMs + seconds * 1000;
    await Promise.all(sockets.map(async (socket) => {
      while (performance.now() < endMs) {
        const sentMs = performance.now();
        const reply = parseReply(
          await call(socket, "publish", {
            user: "bench_user",
            channel: "bench_channel",
            message,
          }),
          "publish",
        );
        latenciesMs.push(performance.now() - sentMs);
        if (reply.ok && reply.value.data.status === "OK") acknowledged++;
        else errors++;
      }
    }));
    const elapsedSeconds = (performance.now() - startMs) / 1000;
    latenciesMs.sort((a, b) => a - b);
    const at = (q: number) =>
      latenciesMs[
        Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))
      ] ?? 0;
    return {
      publishesPerSecond: acknowledged / elapsedSeconds,
      errors,
      medianMs: at(0.5),
      p99Ms: at(0.99),
    };
  } finally {
    for (const socket of sockets) socket.close();
  }
}

if (import.meta.main) {
  const [endpoint, clients = "32", seconds = "5", bytes = "100"] = Deno.args;
  if (!endpoint) {
    console.error(
      "usage: bench_publish.ts <endpoint> [clients] [seconds] [bytes]",
    );
    Deno.exit(2);
  }
  const result = await benchPublish(
    endpoint,
    Number(clients),
    Number(seconds),
    Number(bytes),
  );
  console.log(
    `${clients} clients, ${bytes}-byte messages: ${
      Math.round(result.publishesPerSecond)
    } durable publishes/s, median ${result.medianMs.toFixed(2)} ms, p99 ${
      result.p99Ms.toFixed(2)
    } ms, errors ${result.errors}`,
  );
}
