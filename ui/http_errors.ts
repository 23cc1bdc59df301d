/**
 * JSON errors for the API: every failure a browser sees is
 * `{ "error": "<sentence for the person>" }` with a fitting status code.
 *
 * @module
 */

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ClusterError } from "./cluster_error.ts";

/** A request the app refuses, with the status and message to send. */
export class HttpError extends Error {
  /** HTTP status code. */
  readonly status: ContentfulStatusCode;

  /** Creates an error answered with `status` and `message`. */
  constructor(status: ContentfulStatusCode, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/** Reports an unexpected error somewhere it can be read (never the browser). */
export type ErrorLogger = (error: unknown) => void;

/**
 * The JSON response for `error`: its own status for an {@linkcode HttpError},
 * 400 or 503 for a {@linkcode ClusterError}, 500 with a generic message for
 * anything else (which is logged).
 */
export function errorResponse(
  c: Context,
  error: unknown,
  log: ErrorLogger,
): Response {
  if (error instanceof HttpError) {
    return c.json({ error: error.message }, error.status);
  }
  if (error instanceof ClusterError) {
    const status = error.code === "rejected" ? 400 : 503;
    return c.json({ error: error.message }, status);
  }
  log(error);
  return c.json({ error: "Unexpected error in the UI server" }, 500);
}
