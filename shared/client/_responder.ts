/**
 * Small real ZeroMQ REP peers for this folder's tests: a server that
 * answers with a handler, or one that receives and never answers.
 *
 * @module
 */

import {
  decodeEnvelope,
  encodeEnvelope,
  type WireMap,
} from "@agora/shared/protocol";
import { Reply } from "@agora/shared/zmq";

/** What a handler returns: a reply envelope, raw bytes, or `"silent"`. */
export type Answer =
  | { service: string; data: WireMap }
  | Uint8Array
  | "silent";

/** A running REP peer. */
export interface Responder {
  /** Its endpoint. */
  endpoint: string;
  /** Requests received, decoded (`undefined` for undecodable ones). */
  requests: Array<{ service: string; data: WireMap } | undefined>;
  /** Closes the socket and waits for its loop. */
  close(): Promise<void>;
}

/** Starts a REP peer on an ephemeral port that answers with `handle`. */
export async function startResponder(
  handle: (
    request: { service: string; data: WireMap },
  ) => Answer | Promise<Answer>,
): Promise<Responder> {
  const socket = new Reply({ linger: 0 });
  await socket.bind("tcp://127.0.0.1:*");
  const requests: Responder["requests"] = [];
  const loop = (async () => {
    try {
      for await (const frames of socket) {
        const envelope = decodeEnvelope(frames[0]);
        const request = envelope.ok ? envelope.value : undefined;
        requests.push(request);
        const answer = request === undefined
          ? { service: "error", data: { status: "erro", description: "bad" } }
          : await handle(request);
        // A REP that never answers stays stuck, like a hung server.
        if (answer === "silent") continue;
        await socket.send(
          answer instanceof Uint8Array ? answer : encodeEnvelope(answer),
        );
      }
    } catch {
      // Closed.
    }
  })();
  return {
    endpoint: socket.lastEndpoint,
    requests,
    close: async () => {
      socket.close();
      await loop;
    },
  };
}

/** An endpoint where nothing listens (a dead server). */
export function deadEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

/** A stamped reply envelope, as servers send them. */
export function reply(
  service: string,
  data: WireMap,
  clock = 1,
): { service: string; data: WireMap } {
  return {
    service,
    data: { ...data, timestamp: Date.now() / 1000, clock },
  };
}
