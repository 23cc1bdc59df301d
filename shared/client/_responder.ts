/**
 * Small real ZeroMQ peers for this folder's tests: a server that answers
 * with a handler (REP, or ROUTER to keep receiving), or one that receives
 * and never answers.
 *
 * @module
 */

import {
  decodeEnvelope,
  encodeEnvelope,
  type WireMap,
} from "@agora/shared/protocol";
import { Reply, Router } from "@agora/shared/zmq";
import { AgoraError } from "./errors.ts";

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

/**
 * Starts a peer on an ephemeral port that answers with `handle`: a REP by
 * default, or with `keepsReceiving` a ROUTER that, like a real server, goes
 * on receiving after a request it left unanswered (a silent REP receives
 * nothing more).
 */
export async function startResponder(
  handle: (
    request: { service: string; data: WireMap },
  ) => Answer | Promise<Answer>,
  options: { keepsReceiving?: boolean } = {},
): Promise<Responder> {
  const socket = options.keepsReceiving
    ? new Router({ linger: 0 })
    : new Reply({ linger: 0 });
  await socket.bind("tcp://127.0.0.1:*");
  const requests: Responder["requests"] = [];
  const loop = (async () => {
    try {
      for await (const frames of socket) {
        // ROUTER: [identity, "", body]; REP: [body].
        const route = frames.slice(0, -1);
        const envelope = decodeEnvelope(frames[frames.length - 1]);
        const request = envelope.ok ? envelope.value : undefined;
        requests.push(request);
        const answer = request === undefined
          ? { service: "error", data: { status: "erro", description: "bad" } }
          : await handle(request);
        // A REP that never answers stays stuck, like a hung server.
        if (answer === "silent") continue;
        await socket.send([
          ...route,
          answer instanceof Uint8Array ? answer : encodeEnvelope(answer),
        ]);
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

/** The `AgoraError` a call rejects with; throws if it resolves or throws anything else. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<AgoraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AgoraError) return error;
    throw error;
  }
  throw new Error("Expected an AgoraError, but the call succeeded.");
}
