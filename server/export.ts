/**
 * Exports a server's store to the original system's JSON layout:
 * `deno task export <data-dir> <out-dir>` writes `<out-dir>/data.json`
 * (users, channels, messages, private_messages) and `<out-dir>/login.json`
 * (every login), each atomically.
 *
 * The store takes an exclusive lock on its data directory, so this works on
 * a **stopped** server (a running one holds the lock: stop it first, or run
 * the server with `--export-dir` to have it export on shutdown and every
 * `--export-interval-ms`).
 *
 * @module
 */

import { StorageError, Store } from "./storage.ts";

/** Exports `dataDir` into `outDir`; returns the exported counts. */
export async function exportStore(
  dataDir: string,
  outDir: string,
): Promise<Record<string, number>> {
  const store = Store.open(dataDir);
  try {
    await store.exportOriginal(outDir);
    return { ...store.counts() };
  } finally {
    store.close();
  }
}

if (import.meta.main) {
  const [dataDir, outDir] = Deno.args;
  if (dataDir === undefined || outDir === undefined || Deno.args.length > 2) {
    console.error(
      "Usage: deno task export <data-dir> <out-dir>\n" +
        "Writes data.json and login.json (original layout) from a stopped server's store.",
    );
    Deno.exit(2);
  }
  try {
    await Deno.stat(`${dataDir}/agora.sqlite`);
  } catch {
    console.error(`No store in "${dataDir}" (agora.sqlite is missing).`);
    Deno.exit(1);
  }
  try {
    const counts = await exportStore(dataDir, outDir);
    console.log(
      `Exported ${counts.users} users, ${counts.channels} channels, ${counts.messages} messages, ${counts.privateMessages} private messages and ${counts.logins} logins to ${outDir}/data.json and ${outDir}/login.json.`,
    );
  } catch (error) {
    if (error instanceof StorageError && error.code === "LOCKED") {
      console.error(
        `Cannot export "${dataDir}": a running server holds it. Stop the server first, or start it with --export-dir.`,
      );
    } else {
      console.error(
        `Cannot export "${dataDir}": ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    Deno.exit(1);
  }
}
