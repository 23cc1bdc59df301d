/**
 * Command-line and environment configuration for agora's binaries, over
 * `node:util` `parseArgs`. A flag wins over its environment variable, which
 * wins over the default; every binary gets `--help`.
 *
 * @example
 * ```ts
 * import { defineOptions, parseConfig } from "@agora/shared/config";
 *
 * const options = defineOptions({
 *   name: { type: "string", env: "AGORA_SERVER_NAME", required: true,
 *     description: "Server name registered with the reference" },
 *   port: { type: "number", integer: true, min: 0, max: 65535,
 *     env: "AGORA_PORT", default: 5555, description: "Port of the REP socket" },
 *   servers: { type: "list", env: "AGORA_SERVERS",
 *     description: "Endpoints of the other servers (comma-separated)" },
 *   verbose: { type: "boolean", short: "v", description: "Log at debug level" },
 * });
 * // In a binary: const config = loadConfig(options, { program: "agora-server" });
 * // (prints --help and exits 0; prints a bad value and exits 2)
 * const result = parseConfig(options, { args: ["--name", "server_1"], env: {} });
 * if (result.kind === "config") {
 *   result.config.port; // number: 5555
 *   result.config.servers; // string[]: []
 *   result.config.name; // string: "server_1"
 * }
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

/** Value types an option can have. */
export type OptionType = "string" | "number" | "boolean" | "list";

/** The TypeScript type of each {@link OptionType}. */
export interface OptionValueMap {
  /** Text, as given. */
  string: string;
  /** A finite number. */
  number: number;
  /** `--flag` / `--no-flag`; in the environment 1/0, true/false, yes/no, on/off. */
  boolean: boolean;
  /** Comma-separated (the flag may also repeat); blanks dropped. */
  list: string[];
}

/** One option. */
export interface OptionSpec {
  /** The value type. */
  type: OptionType;
  /** One line for `--help`. */
  description: string;
  /** Long flag without dashes; default: the key in kebab-case. */
  flag?: string;
  /** One-letter alias. */
  short?: string;
  /** Environment variable read when the flag is absent. */
  env?: string;
  /**
   * Value when neither flag nor variable is given. Without it a `boolean`
   * is `false`, a `list` is `[]`, and the others are `undefined`.
   */
  default?: string | number | boolean | readonly string[];
  /** Fail when no value is given (for options without a default). */
  required?: boolean;
  /** `number` only: must be an integer. */
  integer?: boolean;
  /** `number` only: smallest accepted value. */
  min?: number;
  /** `number` only: largest accepted value. */
  max?: number;
}

/** A set of options, by key. */
export type OptionsSpec = Record<string, OptionSpec>;

/** The configuration object a spec produces. */
export type ConfigOf<S extends OptionsSpec> = {
  [K in keyof S]: S[K] extends { type: "boolean" | "list" }
    ? OptionValueMap[S[K]["type"]]
    : S[K] extends { default: string | number } | { required: true }
      ? OptionValueMap[S[K]["type"]]
    : OptionValueMap[S[K]["type"]] | undefined;
};

/** What {@link parseConfig} found. */
export type ConfigResult<S extends OptionsSpec> =
  | { kind: "config"; config: ConfigOf<S> }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** Where {@link parseConfig} reads from (injected, for tests). */
export interface ConfigSources {
  /** Command-line arguments, without the program. */
  args: readonly string[];
  /** Environment variables. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Declares options, keeping their literal types so {@link ConfigOf} can
 * tell required from optional values.
 *
 * @throws {TypeError} if a default does not match its type, or a flag is
 * reused (programming errors, found at startup)
 */
export function defineOptions<const S extends OptionsSpec>(spec: S): S {
  const flags = new Set(["help"]);
  for (const [key, option] of Object.entries(spec)) {
    const flag = _flag(key, option);
    if (flags.has(flag)) {
      throw new TypeError(`The flag "--${flag}" is declared twice.`);
    }
    flags.add(flag);
    if (option.default !== undefined) {
      const kind = Array.isArray(option.default)
        ? "list"
        : typeof option.default;
      if (kind !== option.type) {
        throw new TypeError(
          `The default of "--${flag}" must be a ${option.type}, not a ${kind}.`,
        );
      }
    }
  }
  return spec;
}

/**
 * Reads the configuration from `sources`. Pure: never prints or exits.
 *
 * @example
 * ```ts
 * import { defineOptions, parseConfig } from "@agora/shared/config";
 * const spec = defineOptions({ port: { type: "number", default: 5555, description: "Port" } });
 * parseConfig(spec, { args: ["--port", "6000"], env: {} });
 * // { kind: "config", config: { port: 6000 } }
 * ```
 */
export function parseConfig<S extends OptionsSpec>(
  spec: S,
  sources: ConfigSources,
): ConfigResult<S> {
  const parseOptions: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = { help: { type: "boolean", short: "h" } };
  for (const [key, option] of Object.entries(spec)) {
    parseOptions[_flag(key, option)] = {
      type: option.type === "boolean" ? "boolean" : "string",
      ...(option.short === undefined ? {} : { short: option.short }),
      ...(option.type === "list" ? { multiple: true } : {}),
    };
  }
  let values: Record<
    string,
    string | boolean | (string | boolean)[] | undefined
  >;
  try {
    values = parseArgs({
      args: [...sources.args],
      options: parseOptions,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }).values;
  } catch (error) {
    return { kind: "error", message: _sentence(error) };
  }
  if (values.help === true) return { kind: "help" };
  const config: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(spec)) {
    const flag = _flag(key, option);
    const fromFlag = values[flag];
    let value: unknown;
    if (fromFlag !== undefined) {
      value = _convert(option, fromFlag, `--${flag}`);
    } else if (
      option.env !== undefined && sources.env[option.env] !== undefined
    ) {
      value = _convert(option, sources.env[option.env]!, option.env);
    } else if (option.default !== undefined) {
      value = Array.isArray(option.default)
        ? [...option.default]
        : option.default;
    } else if (option.required) {
      const where = option.env === undefined ? "" : ` or ${option.env}`;
      return {
        kind: "error",
        message: `Missing required option --${flag}${where}.`,
      };
    } else {
      value = option.type === "boolean"
        ? false
        : option.type === "list"
        ? []
        : undefined;
    }
    if (value instanceof _Invalid) {
      return { kind: "error", message: value.message };
    }
    config[key] = value;
  }
  return { kind: "config", config: config as ConfigOf<S> };
}

/**
 * The `--help` text of a spec.
 *
 * @param program the binary's name, for the usage line
 * @param summary one sentence saying what the binary does
 */
export function helpText(
  spec: OptionsSpec,
  program: string,
  summary = "",
): string {
  const rows: [string, string][] = [];
  for (const [key, option] of Object.entries(spec)) {
    const flag = _flag(key, option);
    const names = (option.short === undefined ? "    " : `-${option.short}, `) +
      `--${flag}` + (option.type === "boolean" ? "" : ` <${option.type}>`);
    const notes: string[] = [];
    if (option.env !== undefined) notes.push(`env ${option.env}`);
    if (option.default !== undefined) {
      notes.push(
        `default ${
          Array.isArray(option.default)
            ? option.default.join(",")
            : option.default
        }`,
      );
    }
    if (option.required) notes.push("required");
    if (
      option.type === "number" &&
      (option.min !== undefined || option.max !== undefined)
    ) {
      notes.push(`${option.min ?? "−∞"}..${option.max ?? "∞"}`);
    }
    rows.push([
      names,
      option.description + (notes.length ? ` (${notes.join("; ")})` : ""),
    ]);
  }
  rows.push(["-h, --help", "Show this help and exit"]);
  const width = Math.max(...rows.map(([names]) => names.length)) + 2;
  const lines = [`Usage: ${program} [options]`];
  if (summary) lines.push("", summary);
  lines.push("", "Options:");
  for (const [names, text] of rows) {
    lines.push(`  ${names.padEnd(width)}${text}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Reads the configuration of a binary from `Deno.args` and the environment;
 * on `--help` prints the help and exits 0; on a bad value prints the reason
 * to stderr and exits 2.
 */
export function loadConfig<S extends OptionsSpec>(
  spec: S,
  about: { program: string; summary?: string },
  sources: ConfigSources = { args: Deno.args, env: _environment() },
): ConfigOf<S> {
  const result = parseConfig(spec, sources);
  if (result.kind === "config") return result.config;
  if (result.kind === "help") {
    console.log(helpText(spec, about.program, about.summary));
    Deno.exit(0);
  }
  console.error(
    `${about.program}: ${result.message}\nRun with --help for the options.`,
  );
  Deno.exit(2);
}

/** A conversion failure, kept apart from valid values of any type. */
class _Invalid {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

function _convert(
  option: OptionSpec,
  raw: string | boolean | (string | boolean)[],
  source: string,
): unknown {
  switch (option.type) {
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const text = String(raw).trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(text)) return true;
      if (["0", "false", "no", "off", ""].includes(text)) return false;
      return new _Invalid(
        `Invalid value "${raw}" for ${source}: expected true or false.`,
      );
    }
    case "list": {
      const parts = Array.isArray(raw) ? raw : [raw];
      return parts.flatMap((part) => String(part).split(","))
        .map((item) => item.trim()).filter((item) => item.length > 0);
    }
    case "string":
      return String(raw);
    case "number": {
      const text = String(raw).trim();
      const value = text.length === 0 ? NaN : Number(text);
      const kind = option.integer ? "an integer" : "a number";
      if (
        !Number.isFinite(value) || (option.integer && !Number.isInteger(value))
      ) {
        return new _Invalid(
          `Invalid value "${raw}" for ${source}: expected ${kind}.`,
        );
      }
      if (
        (option.min !== undefined && value < option.min) ||
        (option.max !== undefined && value > option.max)
      ) {
        return new _Invalid(
          `Invalid value "${raw}" for ${source}: expected ${kind} from ${
            option.min ?? "−∞"
          } to ${option.max ?? "∞"}.`,
        );
      }
      return value;
    }
    default: {
      const unreachable: never = option.type;
      return new _Invalid(`Unknown option type "${unreachable}".`);
    }
  }
}

function _flag(key: string, option: OptionSpec): string {
  return option.flag ??
    key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function _sentence(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function _environment(): Record<string, string> {
  try {
    return Deno.env.toObject();
  } catch {
    // No --allow-env: flags and defaults only.
    return {};
  }
}
