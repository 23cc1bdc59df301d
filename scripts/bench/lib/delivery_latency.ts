/**
 * Publish → subscriber delivery latency at a paced rate: a SUB socket on
 * the proxy's XPUB (as chat clients subscribe) and a pool of REQ sockets
 * publishing on an open-loop schedule, in this one process, so send and
 * receive times come from the same monotonic clock. Each message carries
 * its index; its delivery latency is receive time minus the time its
 * publish request was sent. A scheduled message finding every REQ socket
 * busy waits for one; that wait is reported separately (schedule lag), not
 * hidden.
 *
 * @module
 */

import { parsePublication } from "@agora/shared/protocol";
import { Subscriber, ZmqError } from "@agora/shared/zmq";
import { BenchClient } from "./bench_client.ts";
import { runPaced } from "./pacer.ts";
import { type LatencySummary, summarize } from "./stats.ts";

/** What {@linkcode measureDelivery} needs. */
export interface DeliveryOptions {
  /** The server's endpoint. */
  endpoint: string;
  /** The proxy's XPUB endpoint. */
  proxySub: string;
  /** A user that logged in. */
  user: string;
  /** An existing channel nobody else publishes on. */
  channel: string;
  /** Publishes per second. */
  ratePerSecond: number;
  /** Publishes in all. */
  count: number;
  /** REQ sockets in the pool. */
  senders: number;
  /** Bytes of message text (at least the index tag). */
  messageBytes: number;
  /** How long to wait for stragglers after the last reply, ms. */
  drainMs?: number;
}

/** What a delivery run measured. */
export interface DeliveryResult {
  /** Publishes acknowledged. */
  sent: number;
  /** Of those, received by the subscriber. */
  delivered: number;
  /** Achieved send rate, per second. */
  achievedPerSecond: number;
  /** Send → receive, ms. */
  delivery: LatencySummary;
  /** Publish round trips, ms. */
  ack: LatencySummary;
  /** Due time → send time (waiting for a free socket or a late timer), ms. */
  scheduleLag: LatencySummary;
}

const PROBE_TIMEOUT_MS = 10_000;

/** Runs the measurement (see the module docs). */
export async function measureDelivery(
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const tag = crypto.randomUUID().slice(0, 8);
  const padding = "x".repeat(Math.max(0, options.messageBytes - 24));
  const received = new Map<number, number>();
  let probeSeen = false;
  const subscriber = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  subscriber.connect(options.proxySub);
  subscriber.subscribe(options.channel);
  const receiving = (async () => {
    for (;;) {
      let frames: Uint8Array[];
      try {
        frames = await subscriber.receive();
      } catch (error) {
        if (error instanceof ZmqError && error.code === "ECLOSED") return;
        throw error;
      }
      const atMs = performance.now();
      const parsed = parsePublication(frames);
      if (
        !parsed.ok || parsed.value.kind !== "channel" ||
        parsed.value.topic !== options.channel
      ) continue;
      const match = /^(\S+) (\d+|probe)/.exec(parsed.value.message.message);
      if (!match || match[1] !== tag) continue;
      if (match[2] === "probe") probeSeen = true;
      else if (!received.has(Number(match[2]))) {
        received.set(Number(match[2]), atMs);
      }
    }
  })();
  const pool = Array.from(
    { length: options.senders },
    () => new BenchClient(options.endpoint),
  );
  const free = [...pool];
  const waiting: ((client: BenchClient) => void)[] = [];
  const release = (client: BenchClient) => {
    const next = waiting.shift();
    if (next) next(client);
    else free.push(client);
  };
  const acquire = (): Promise<BenchClient> => {
    const client = free.pop();
    return client
      ? Promise.resolve(client)
      : new Promise((resolve) => waiting.push(resolve));
  };
  const publish = async (message: string): Promise<void> => {
    const client = await acquire();
    try {
      const reply = await client.call("publish", {
        user: options.user,
        channel: options.channel,
        message,
      });
      if (reply.data.status !== "OK") {
        throw new Error(
          `publish refused: ${JSON.stringify(reply.data).slice(0, 200)}`,
        );
      }
    } finally {
      release(client);
    }
  };
  try {
    // A SUB's subscription reaches the proxy asynchronously: publish probes
    // until one comes back, so no measured message is lost to joining late.
    const probeDeadline = performance.now() + PROBE_TIMEOUT_MS;
    while (!probeSeen) {
      if (performance.now() > probeDeadline) {
        throw new Error(
          `The subscriber saw no probe on "${options.channel}" within ${PROBE_TIMEOUT_MS} ms`,
        );
      }
      await publish(`${tag} probe`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sentMs = new Array<number>(options.count).fill(NaN);
    const ackMs: number[] = [];
    const lagMs: number[] = [];
    let lastAckMs = performance.now();
    const paced = await runPaced({
      ratePerSecond: options.ratePerSecond,
      count: options.count,
      start: async (index, dueMs) => {
        const client = await acquire();
        const startMs = performance.now();
        sentMs[index] = startMs;
        lagMs.push(startMs - dueMs);
        try {
          const reply = await client.call("publish", {
            user: options.user,
            channel: options.channel,
            message: `${tag} ${index} ${padding}`,
          });
          if (reply.data.status !== "OK") {
            throw new Error(
              `publish refused: ${JSON.stringify(reply.data).slice(0, 200)}`,
            );
          }
          lastAckMs = performance.now();
          ackMs.push(lastAckMs - startMs);
        } finally {
          release(client);
        }
      },
    });
    const drainDeadline = lastAckMs + (options.drainMs ?? 3000);
    while (received.size < options.count && performance.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const deliveryMs: number[] = [];
    for (const [index, atMs] of received) deliveryMs.push(atMs - sentMs[index]);
    return {
      sent: ackMs.length,
      delivered: received.size,
      achievedPerSecond: (options.count - 1) / (paced.spanMs / 1000),
      delivery: summarize(deliveryMs),
      ack: summarize(ackMs),
      scheduleLag: summarize(lagMs),
    };
  } finally {
    for (const client of pool) client.close();
    subscriber.close();
    await receiving;
  }
}
