/**
 * Static files of the browser app: which names may be served and as what.
 * Reading them is injected (see `public_assets.ts`) so the app itself makes
 * no file-system calls.
 *
 * @module
 */

/**
 * Reads one file of `ui/public/` by its bare name (`"app.js"`); resolves
 * `null` when there is no such file.
 */
export type AssetReader = (
  name: string,
) => Promise<Uint8Array<ArrayBuffer> | null>;

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

/**
 * The content type to serve asset `name` with, or `null` when `name` is not
 * a servable asset name: one path segment of lowercase letters, digits, `_`
 * or `-`, with a known extension — so no traversal, no hidden files.
 *
 * @example
 * ```ts
 * import { assetContentType } from "./assets.ts";
 * assetContentType("app.js"); // "text/javascript; charset=utf-8"
 * assetContentType("../deno.json"); // null
 * ```
 */
export function assetContentType(name: string): string | null {
  const match = /^[a-z0-9_-]+\.([a-z]+)$/.exec(name);
  if (match === null) return null;
  return CONTENT_TYPES[match[1]] ?? null;
}
