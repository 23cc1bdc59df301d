import { equal, match, ok, rejects } from "node:assert/strict";
import { AgoraError } from "@agora/shared/client";
import { ClusterError } from "./cluster_error.ts";
import { clusterErrorOf, mapClusterErrors } from "./real_errors.ts";

function mapped(error: unknown): ClusterError {
  const result = clusterErrorOf(error);
  ok(result instanceof ClusterError, `not a ClusterError: ${result}`);
  return result;
}

Deno.test("a server's refusal keeps its description", () => {
  const error = mapped(
    new AgoraError('The channel "x" does not exist.', {
      code: "rejected",
      description: 'The channel "x" does not exist.',
    }),
  );
  equal(error.code, "rejected");
  equal(error.message, 'The channel "x" does not exist.');
});

Deno.test("no answer becomes unavailable and says how many servers were tried", () => {
  const error = mapped(
    new AgoraError('No server answered "publish"', {
      code: "unavailable",
      attempts: [
        { endpoint: "tcp://a:1", reason: "timeout" },
        { endpoint: "tcp://b:1", reason: "timeout" },
        { endpoint: "tcp://a:1", reason: "timeout" },
      ],
    }),
  );
  equal(error.code, "unavailable");
  match(error.message, /No chat server answered in time \(2 tried\)/);
  match(error.message, /Try again/);
  match(
    mapped(new AgoraError("x", { code: "unavailable" })).message,
    /No chat server is known yet/,
  );
});

Deno.test("a post of unknown outcome says it may have been sent, not refused", () => {
  const error = mapped(
    new AgoraError("The post may have been stored: internal detail", {
      code: "unknown_outcome",
      service: "publish",
    }),
  );
  equal(error.code, "unavailable");
  match(error.message, /may have been sent/);
  match(error.message, /history/);
});

Deno.test("every other client failure is unavailable with a readable sentence", () => {
  for (
    const code of [
      "invalid_reply",
      "busy",
      "closed",
      "invalid_argument",
    ] as const
  ) {
    const error = mapped(new AgoraError("internal detail", { code }));
    equal(error.code, "unavailable");
    match(error.message, /^[A-Z].*\S$/);
  }
});

Deno.test("cluster errors pass through and unrelated errors are left alone", () => {
  const own = new ClusterError("rejected", "Bad name");
  equal(clusterErrorOf(own), own);
  const bug = new TypeError("x is undefined");
  equal(clusterErrorOf(bug), bug);
});

Deno.test("mapClusterErrors rethrows mapped failures and passes values", async () => {
  equal(await mapClusterErrors(() => Promise.resolve(3)), 3);
  await rejects(
    mapClusterErrors(() =>
      Promise.reject(new AgoraError("Taken", { code: "rejected" }))
    ),
    (error) => error instanceof ClusterError && error.code === "rejected",
  );
});
