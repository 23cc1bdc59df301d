/**
 * Loading libzmq: `ZMQ_LIBRARY` → the system library → the npm `zeromq`
 * package's bundled libzmq.
 *
 * `AGORA_ZMQ_FALLBACK=1` skips the first two so the npm copy can be tested.
 * When nothing loads, one {@linkcode ZmqError} with code `"ENOLIB"` lists
 * every place tried and why it failed.
 *
 * @module
 */

import { readEnv } from "./env.ts";
import { ZmqError } from "./errors.ts";
import {
  hostPrebuildTarget,
  locateNpmPackage,
  npmSpecifier,
  prebuildCandidates,
} from "./npm_prebuilds.ts";
import { ZMQ_SYMBOLS, type ZmqSymbols } from "./symbols.ts";
import { pinLibrary } from "./libc.ts";

/** Where the loaded library came from. */
export type LibrarySource = "env" | "system" | "npm";

/** Facts about the loaded libzmq. */
export interface LibraryInfo {
  /** Path or soname passed to `dlopen`. */
  path: string;
  /** Which resolution step found it. */
  source: LibrarySource;
  /** `[major, minor, patch]` from `zmq_version`. */
  version: [number, number, number];
  /** Whether CURVE security is available (`zmq_has("curve")`). */
  curve: boolean;
}

/** A loaded libzmq. */
export interface Library {
  /** The C API. */
  symbols: ZmqSymbols;
  /** Facts about it. */
  info: LibraryInfo;
}

/** One place to look for libzmq, opened lazily. */
export interface Candidate {
  /** Human description for the ENOLIB message. */
  place: string;
  /** Which step it belongs to. */
  source: LibrarySource;
  /** Paths to try in order; a thrown Error means the place itself failed. */
  paths(): string[];
}

/** Soname of the system libzmq on this OS. */
export function systemLibraryName(os: string = Deno.build.os): string {
  if (os === "darwin") return "libzmq.5.dylib";
  if (os === "windows") return "libzmq.dll";
  return "libzmq.so.5";
}

/** The candidate places, in resolution order, for the given environment. */
export function candidates(
  env: (name: string) => string | undefined = readEnv,
): Candidate[] {
  const specifier = npmSpecifier();
  const npm: Candidate = {
    place: `the libzmq bundled in ${specifier} (Deno's npm cache)`,
    source: "npm",
    paths() {
      const dir = locateNpmPackage(specifier);
      const manifest = Deno.readTextFileSync(`${dir}/build/manifest.json`);
      const found = prebuildCandidates(manifest, hostPrebuildTarget());
      if (found.length === 0) {
        throw new Error(
          `no prebuild for ${Deno.build.target} in ${dir}/build/manifest.json`,
        );
      }
      return found.map((rel) => `${dir}/build/${rel}`);
    },
  };
  const fallbackOnly = env("AGORA_ZMQ_FALLBACK");
  if (
    fallbackOnly !== undefined && fallbackOnly !== "" && fallbackOnly !== "0"
  ) return [npm];
  const fromEnv = env("ZMQ_LIBRARY");
  return [
    {
      place: "the ZMQ_LIBRARY environment variable",
      source: "env",
      paths() {
        if (fromEnv === undefined || fromEnv === "") throw new Error("not set");
        return [fromEnv];
      },
    },
    {
      place: `the system library "${systemLibraryName()}"`,
      source: "system",
      paths: () => [systemLibraryName()],
    },
    npm,
  ];
}

/** Opens a path as libzmq; throws if it won't load or lacks a symbol. */
export type Opener = (path: string) => ZmqSymbols;

function openWithDlopen(path: string): ZmqSymbols {
  const symbols = Deno.dlopen(path, ZMQ_SYMBOLS).symbols;
  // Keep libzmq mapped through process exit (see pinLibrary).
  pinLibrary(path);
  return symbols;
}

/** Tries the candidates in order; returns the first that loads or throws ENOLIB. */
export function resolveLibrary(
  places: Candidate[],
  open: Opener = openWithDlopen,
): { symbols: ZmqSymbols; path: string; source: LibrarySource } {
  const failures: string[] = [];
  for (const candidate of places) {
    let paths: string[];
    try {
      paths = candidate.paths();
    } catch (e) {
      failures.push(`${candidate.place}: ${errorText(e)}`);
      continue;
    }
    for (const path of paths) {
      try {
        return { symbols: open(path), path, source: candidate.source };
      } catch (e) {
        failures.push(`${candidate.place} (${path}): ${errorText(e)}`);
      }
    }
  }
  throw new ZmqError(
    [
      "Could not load libzmq. Tried:",
      ...failures.map((f) => `  - ${f}`),
      "Install libzmq (Debian/Ubuntu: apt-get install libzmq5; macOS: brew install zeromq),",
      "or set ZMQ_LIBRARY to the full path of a libzmq shared library,",
      "or allow Deno to fetch npm:zeromq (needs --allow-run, --allow-read and the npm registry once).",
      "Loading needs --allow-ffi.",
    ].join("\n"),
    { code: "ENOLIB" },
  );
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

let loaded: Library | undefined;

/** The process-wide libzmq, loaded on first use. Throws ZmqError ENOLIB. */
export function library(): Library {
  if (loaded) return loaded;
  const { symbols, path, source } = resolveLibrary(candidates());
  const major = new Int32Array(1),
    minor = new Int32Array(1),
    patch = new Int32Array(1);
  symbols.zmq_version(major, minor, patch);
  const curve = symbols.zmq_has(new TextEncoder().encode("curve\0")) === 1;
  loaded = {
    symbols,
    info: { path, source, version: [major[0], minor[0], patch[0]], curve },
  };
  return loaded;
}

/** Facts about the libzmq in use (loads it if needed). */
export function libraryInfo(): LibraryInfo {
  return { ...library().info };
}
