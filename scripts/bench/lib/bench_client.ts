/**
 * The request side of the benchmarks: one REQ socket to one endpoint,
 * requests stamped per the protocol (timestamp, Lamport clock merged from
 * replies), replies decoded to their raw `data` map so extension fields
 * (`id` of a publish, `vector` of a status) stay visible. A call without a
 * reply in time closes and reopens the socket (Lazy Pirate: a REQ that
 * missed its reply cannot send again) and rejects.
 *
 * @example
 * ```ts ignore
 * import { BenchClient } from "./bench_client.ts";
 * const client = new BenchClient("tcp://127.0.0.1:5555");
 * const reply = await client.call("publish", { user: "u", channel: "c", message: "m" });
 * reply.data.id; // "server_1:42"
 * client.close();
 * ```
 *
 * @module
 */

import type { WireMap } from "@agora/shared/protocol";
import { TestClient } from "../../../server/testing/client.ts";

/** A decoded reply. */
export interface BenchReply {
  /** The reply's `service` (`"error"` for a refused request). */
  service: string;
  /** The reply's `data` map as sent. */
  data: WireMap;
}

/**
 * One REQ socket with per-call timeout and reconnect on timeout (the
 * servers' test client), stamping requests with a Lamport clock that
 * follows the replies'.
 */
export class BenchClient {
  /** The endpoint. */
  readonly endpoint: string;
  readonly #client: TestClient;
  #clock = 0;

  /** A client; its socket opens on the first call. */
  constructor(endpoint: string, timeoutMs = 10_000) {
    this.endpoint = endpoint;
    this.#client = new TestClient(endpoint, timeoutMs);
  }

  /**
   * Sends `service` with `data` and returns the decoded reply; rejects on
   * timeout (after reopening the socket) or on an undecodable reply.
   */
  async call(
    service: string,
    data: WireMap = {},
    timeoutMs?: number,
  ): Promise<BenchReply> {
    const reply = await this.#client.call(service, {
      ...data,
      timestamp: Date.now() / 1000,
      clock: ++this.#clock,
    }, { stamp: false, timeoutMs });
    const clock = reply.data.clock;
    if (typeof clock === "number" && clock >= this.#clock) {
      this.#clock = clock + 1;
    }
    return reply as BenchReply;
  }

  /** Closes the socket (a pending call rejects). */
  close(): void {
    this.#client.close();
  }
}

/**
 * Calls `service` and throws unless the reply is that service with `status`
 * equal to `expected` (when given).
 */
export async function expectReply(
  client: BenchClient,
  service: string,
  data: WireMap,
  expected?: string,
): Promise<BenchReply> {
  const reply = await client.call(service, data);
  if (
    reply.service !== service ||
    (expected !== undefined && reply.data.status !== expected)
  ) {
    throw new Error(
      `Unexpected "${service}" reply from ${client.endpoint}: ${
        JSON.stringify(reply).slice(0, 300)
      }`,
    );
  }
  return reply;
}
