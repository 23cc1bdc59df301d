/**
 * Turns the client library's errors into the {@linkcode ClusterError}s the
 * web app shows to people.
 *
 * @module
 */

import { AgoraError } from "@agora/shared/client";
import { ClusterError } from "./cluster_error.ts";

/**
 * The {@linkcode ClusterError} for a failed cluster call, or `error` itself
 * when it is not a cluster failure (a bug: the app logs it and answers 500).
 *
 * A server's refusal keeps the server's own description, which is written
 * for people; the other failures get a sentence that says what to do.
 *
 * @example
 * ```ts
 * import { AgoraError } from "@agora/shared/client";
 * import { clusterErrorOf } from "./real_errors.ts";
 * const error = clusterErrorOf(
 *   new AgoraError('The channel "x" does not exist.', { code: "rejected" }),
 * );
 * // ClusterError { code: "rejected", message: 'The channel "x" does not exist.' }
 * ```
 */
export function clusterErrorOf(error: unknown): unknown {
  if (error instanceof ClusterError) return error;
  if (!(error instanceof AgoraError)) return error;
  switch (error.code) {
    case "rejected":
      return new ClusterError("rejected", error.message);
    case "unavailable": {
      const servers = new Set(error.attempts.map((a) => a.endpoint)).size;
      const tried = servers === 0
        ? "No chat server is known yet"
        : `No chat server answered in time (${servers} tried)`;
      return new ClusterError(
        "unavailable",
        `${tried}; the cluster may be down or restarting. Try again in a moment.`,
      );
    }
    case "unknown_outcome":
      return new ClusterError(
        "unavailable",
        "Your message may have been sent, but no chat server could confirm it. Check the history before sending it again.",
      );
    case "invalid_reply":
      return new ClusterError(
        "unavailable",
        "A chat server sent a reply the UI could not read. Try again in a moment.",
      );
    case "busy":
      return new ClusterError(
        "unavailable",
        "The UI server has too many requests waiting. Try again in a moment.",
      );
    case "closed":
      return new ClusterError("unavailable", "The UI server is shutting down.");
    case "invalid_argument":
      return new ClusterError(
        "unavailable",
        `The UI server is not configured for this: ${error.message}`,
      );
    default: {
      const never: never = error.code;
      return new ClusterError("unavailable", `Cluster error "${never}".`);
    }
  }
}

/**
 * Runs `action` and rethrows its failure through {@linkcode clusterErrorOf}.
 *
 * @example
 * ```ts ignore
 * const users = await mapClusterErrors(() => client.users());
 * ```
 */
export async function mapClusterErrors<T>(
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw clusterErrorOf(error);
  }
}
