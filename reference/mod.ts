/**
 * The agora reference service: stable ranks, live server list, heartbeats.
 * Run `deno task reference` or `deno run … reference/main.ts --help`.
 *
 * @module
 */

export {
  Registry,
  type RegistryOptions,
  type RegistrySnapshot,
  type ServerEntry,
} from "./registry.ts";
export { ReferenceService, type ReferenceServiceOptions } from "./service.ts";
export { RANKS_FILE, readRanks, writeRanks } from "./ranks_file.ts";
