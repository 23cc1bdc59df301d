/**
 * Command-line parsing shared by `up`, `down`, `status` and `logs`: the
 * runner root, the port layout and service names.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { RunnerOptions } from "./runner.ts";

/** Parsed common arguments. */
export interface RunnerCli {
  /** Runner options from `--root` and `--base-port`. */
  options: RunnerOptions;
  /** Positional service names. */
  names: string[];
  /** Other boolean and string flags, by name. */
  flags: Record<string, string | boolean | undefined>;
}

/** Extra flags a command accepts besides the common ones. */
export type ExtraFlags = Record<
  string,
  { type: "boolean" | "string"; short?: string; description: string }
>;

/** Common flags, for `--help`. */
export const COMMON_HELP =
  `  --root DIR         runner root holding data/, logs/ and .run/ (default: the repository)
  --base-port N      lay the ports out from N (reference N, proxy N+1/N+2, servers N+3.., ui last);
                     env AGORA_BASE_PORT; single ports: AGORA_PORT_<SERVICE>_<ROLE>, e.g. AGORA_PORT_SERVER_2_REP
  -h, --help         this help`;

/**
 * Parses `args`; throws an `Error` with a readable message on a bad flag.
 * `--help` is returned as `flags.help`.
 */
export function parseRunnerArgs(
  args: readonly string[],
  extra: ExtraFlags = {},
): RunnerCli {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      root: { type: "string" },
      "base-port": { type: "string" },
      help: { type: "boolean", short: "h" },
      ...Object.fromEntries(
        Object.entries(extra).map((
          [name, spec],
        ) => [
          name,
          spec.short === undefined
            ? { type: spec.type }
            : { type: spec.type, short: spec.short },
        ]),
      ),
    },
  });
  const options: RunnerOptions = {};
  if (values.root !== undefined) options.root = String(values.root);
  const base = values["base-port"];
  if (base !== undefined) {
    const port = Number(base);
    if (!/^\d+$/.test(String(base)) || port < 1 || port > 65535) {
      throw new Error(`--base-port "${base}" is not a port number.`);
    }
    options.ports = { basePort: port };
  }
  return {
    options,
    names: positionals,
    flags: values as Record<string, string | boolean | undefined>,
  };
}

/** Help lines for `extra`. */
export function extraHelp(extra: ExtraFlags): string {
  return Object.entries(extra).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${
      spec.type === "string" ? " X" : ""
    }`;
    return `  ${flag.padEnd(19)}${spec.description}`;
  }).join("\n");
}

/**
 * Parses `args` for a command whose help is `usage`, then "Options:" with
 * its `extra` flags and the common ones. On `--help` it prints that help
 * and returns `undefined` (the command exits 0).
 */
export function parseCommand(
  args: readonly string[],
  usage: string,
  extra: ExtraFlags = {},
): RunnerCli | undefined {
  const cli = parseRunnerArgs(args, extra);
  if (cli.flags.help) {
    console.log(`${usage}\n\nOptions:\n${extraHelp(extra)}\n${COMMON_HELP}`);
    return undefined;
  }
  return cli;
}

/** A string flag read as a number, `undefined` when not given. */
export function numberFlag(cli: RunnerCli, name: string): number | undefined {
  const value = cli.flags[name];
  return value === undefined ? undefined : Number(value);
}

/**
 * Runs a command's main: prints an error as one readable message (no stack
 * for expected failures) and returns the exit code.
 */
export async function runCli(main: () => Promise<number>): Promise<number> {
  try {
    return await main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}
