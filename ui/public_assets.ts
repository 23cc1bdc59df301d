/**
 * Reads the browser app's files from `ui/public/` on disk — the
 * {@linkcode AssetReader} that `main.ts` and the dev server give
 * `createApp`.
 *
 * @module
 */

import { assetContentType, type AssetReader } from "./assets.ts";

const PUBLIC_DIR = new URL("./public/", import.meta.url);

/**
 * Reads `ui/public/<name>`; `null` for an unservable name or a missing file.
 *
 * @example
 * ```ts
 * import { readPublicAsset } from "./public_assets.ts";
 * const html = await readPublicAsset("index.html");
 * ```
 */
export const readPublicAsset: AssetReader = async (name) => {
  if (assetContentType(name) === null) return null;
  try {
    return await Deno.readFile(new URL(name, PUBLIC_DIR));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
};
