/**
 * Persistence of the reference's rank table: a small JSON file replaced
 * atomically (write a temp file, fsync, rename, fsync the directory), so a
 * crash leaves either the old table or the new one, never half of either.
 *
 * The table changes only when a new server name registers or an address
 * changes, so rewriting the whole (tiny) file is the simplest correct thing.
 *
 * @module
 */

import type { RegistrySnapshot } from "./registry.ts";

/** File name of the rank table inside the data directory. */
export const RANKS_FILE = "ranks.json";

/** Reads the rank table, or returns undefined when there is none yet. */
export async function readRanks(
  dir: string,
): Promise<RegistrySnapshot | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${RANKS_FILE}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== "object" || parsed === null ||
    !Array.isArray((parsed as RegistrySnapshot).servers)
  ) {
    throw new Error(`The rank table "${dir}/${RANKS_FILE}" is malformed.`);
  }
  const servers = (parsed as RegistrySnapshot).servers.filter((s) =>
    typeof s?.name === "string" && typeof s?.rank === "number" &&
    (s.address === undefined || typeof s.address === "string") &&
    (s.peer_address === undefined || typeof s.peer_address === "string")
  );
  return { servers };
}

/** Replaces the rank table atomically and durably. */
export async function writeRanks(
  dir: string,
  snapshot: RegistrySnapshot,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${dir}/${RANKS_FILE}.tmp`;
  const file = await Deno.open(tmp, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    const bytes = new TextEncoder().encode(
      JSON.stringify(snapshot, null, 2) + "\n",
    );
    let written = 0;
    while (written < bytes.length) {
      written += await file.write(bytes.subarray(written));
    }
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, `${dir}/${RANKS_FILE}`);
  // The rename is durable only once the directory entry is on disk.
  const dirHandle = await Deno.open(dir, { read: true });
  try {
    await dirHandle.sync();
  } catch {
    // Some filesystems cannot fsync a directory; the rename still happened.
  } finally {
    dirHandle.close();
  }
}
