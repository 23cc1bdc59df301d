/**
 * Sequential round trips of one client: the latency floor of one request
 * when nothing else is queued, for a read (no commit) and for a publish
 * (a commit with its fsync). Their difference is what a durable write adds.
 *
 * @module
 */

import { BenchClient } from "./bench_client.ts";
import { type LatencySummary, summarize } from "./stats.ts";

/** Read and publish round trips of one client. */
export interface RoundTrips {
  /** `channels` (read-only) round trips, ms. */
  read: LatencySummary;
  /** `publish` round trips, ms. */
  publish: LatencySummary;
}

/** `count` `channels` then `count` `publish` round trips, one at a time. */
export async function measureRoundTrips(
  endpoint: string,
  user: string,
  channel: string,
  count: number,
  messageBytes: number,
): Promise<RoundTrips> {
  const client = new BenchClient(endpoint);
  const text = "x".repeat(messageBytes);
  try {
    const time = async (service: string, data: Record<string, unknown>) => {
      const samplesMs: number[] = [];
      for (let i = 0; i < count; i++) {
        const startMs = performance.now();
        await client.call(service, data);
        samplesMs.push(performance.now() - startMs);
      }
      return summarize(samplesMs);
    };
    return {
      read: await time("channels", {}),
      publish: await time("publish", { user, channel, message: text }),
    };
  } finally {
    client.close();
  }
}

const PYTHON = "/usr/bin/python3";
const PY_SCRIPT = new URL("./py_round_trips.py", import.meta.url).pathname;

/**
 * The same measurement from a pyzmq client in a child process (Debian's
 * python with pyzmq), so the server's share of a lone round trip can be told
 * from this binding's client-side share. Undefined when python or pyzmq is
 * missing.
 */
export async function measurePyRoundTrips(
  endpoint: string,
  user: string,
  channel: string,
  count: number,
  messageBytes: number,
): Promise<RoundTrips | undefined> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(PYTHON, {
      args: [
        PY_SCRIPT,
        endpoint,
        user,
        channel,
        String(count),
        String(messageBytes),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    return undefined;
  }
  if (!output.success) return undefined;
  const parsed = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    read: number[];
    publish: number[];
  };
  return { read: summarize(parsed.read), publish: summarize(parsed.publish) };
}
