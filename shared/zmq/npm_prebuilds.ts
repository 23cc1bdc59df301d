/**
 * Finding the libzmq that ships inside the npm `zeromq` package.
 *
 * zeromq.js links libzmq statically into its Node addon and exports the C
 * API, so the addon itself can be `dlopen`ed as libzmq. Its
 * `build/manifest.json` maps build configurations (JSON strings) to addon
 * paths; several are listed per platform and only some load on a given libc
 * (on Debian 12, `glibc-127-Release` loads; builds needing glibc 2.38 don't).
 *
 * The package is located through Deno itself: `deno info --json
 * npm:zeromq@<version>` downloads it into Deno's npm cache if needed and
 * prints its `localPath`. This works from a clean clone with only Deno and
 * needs no `node_modules` directory.
 *
 * @module
 */

/** npm specifier used when the import map has no `zeromq` entry. */
export const DEFAULT_NPM_SPECIFIER = "npm:zeromq@6.8.0";

/** The platform a prebuild must match. */
export interface PrebuildTarget {
  /** zeromq.js naming: `"linux"`, `"darwin"`, `"win32"`. */
  os: string;
  /** zeromq.js naming: `"x64"`, `"arm64"`. */
  arch: string;
  /** `"glibc"`, `"musl"`, `"libc"` (macOS) or `"msvc"`. */
  libc: string;
}

/** The prebuild target of this process, in zeromq.js naming. */
export function hostPrebuildTarget(
  build: typeof Deno.build = Deno.build,
): PrebuildTarget {
  const os = build.os === "windows" ? "win32" : build.os;
  const arch = build.arch === "x86_64"
    ? "x64"
    : build.arch === "aarch64"
    ? "arm64"
    : build.arch;
  const libc = os === "linux"
    ? (build.target.includes("musl") ? "musl" : "glibc")
    : os === "darwin"
    ? "libc"
    : "msvc";
  return { os, arch, libc };
}

/**
 * Addon paths (relative to the package's `build/` folder, `/`-separated) of
 * the prebuilds in `manifest.json` that match `target`, in manifest order.
 * Malformed entries are skipped; malformed JSON yields no candidates.
 */
export function prebuildCandidates(
  manifestText: string,
  target: PrebuildTarget,
): string[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return [];
  }
  if (typeof manifest !== "object" || manifest === null) return [];
  const paths: string[] = [];
  for (const [key, value] of Object.entries(manifest)) {
    if (typeof value !== "string") continue;
    let config: unknown;
    try {
      config = JSON.parse(key);
    } catch {
      continue;
    }
    if (typeof config !== "object" || config === null) continue;
    const c = config as Record<string, unknown>;
    if (
      c.os === target.os && c.arch === target.arch && c.libc === target.libc
    ) {
      paths.push(value.replaceAll("\\", "/"));
    }
  }
  return paths;
}

/** The npm specifier for `zeromq`: the root import map's entry, else the default. */
export function npmSpecifier(): string {
  try {
    const resolved = import.meta.resolve("zeromq");
    if (resolved.startsWith("npm:")) return resolved;
  } catch {
    // Not in the import map (e.g. the module is used outside the workspace).
  }
  return DEFAULT_NPM_SPECIFIER;
}

/**
 * Directory of the npm `zeromq` package in Deno's npm cache, downloading it
 * if needed. Throws an Error saying why when it cannot be located.
 */
export function locateNpmPackage(specifier: string): string {
  const output = new Deno.Command(Deno.execPath(), {
    // --no-config: never touch the caller's workspace or lockfile.
    args: ["info", "--json", "--no-config", specifier],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n")
      .slice(-3).join(" ");
    throw new Error(`"deno info ${specifier}" failed: ${stderr}`);
  }
  return packageDirFromInfo(new TextDecoder().decode(output.stdout));
}

/** The `localPath` of the `zeromq` package in `deno info --json` output. */
export function packageDirFromInfo(infoJson: string): string {
  const info = JSON.parse(infoJson) as {
    npmPackages?: Record<string, { name?: string; localPath?: string }>;
  };
  for (const pkg of Object.values(info.npmPackages ?? {})) {
    if (pkg.name === "zeromq" && typeof pkg.localPath === "string") {
      return pkg.localPath;
    }
  }
  throw new Error(
    '"deno info" did not report a local path for the zeromq package',
  );
}
