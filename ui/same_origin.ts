/**
 * Refuses state-changing requests that come from another site (CSRF), on
 * top of the SameSite=Strict session cookie and the JSON-only bodies.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Hono middleware: a non-GET request whose `Origin` is not this server's, or
 * that the browser marks as cross-site (`Sec-Fetch-Site`), gets 403.
 */
export function sameOrigin(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const site = c.req.header("sec-fetch-site");
      const origin = c.req.header("origin");
      const crossSite = site !== undefined && site !== "same-origin" &&
        site !== "none";
      let foreignOrigin = false;
      if (origin !== undefined) {
        try {
          foreignOrigin = new URL(origin).host !== new URL(c.req.url).host;
        } catch {
          foreignOrigin = true;
        }
      }
      if (crossSite || foreignOrigin) {
        return c.json({ error: "Cross-site requests are not allowed" }, 403);
      }
    }
    await next();
  };
}
