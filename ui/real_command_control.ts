/**
 * Stops and starts servers by running operator-given commands, for the
 * acceptance suite's disruptive checks from the tests page (`--disruptive-
 * tests`). A command is a template split on spaces and run directly, never
 * through a shell; `{server}` in it becomes the server's name, which must
 * look like a name (so it cannot smuggle in an option or a path).
 *
 * @module
 */

import type { ClusterControl } from "@agora/scripts/acceptance";

/** Longest a stop or start command may run (default). */
export const COMMAND_TIMEOUT_MS = 60_000;

/** What a server name passed to a command may look like. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** The two command templates. */
export interface CommandTemplates {
  /** Stops `{server}` and returns once it is gone. */
  stop: string;
  /** Starts `{server}` and returns once it is ready. */
  start: string;
}

/**
 * The argv a template gives for `server`; throws a `RangeError` for an
 * empty template or a name that is not safe to pass.
 *
 * @example
 * ```ts
 * import { commandArgs } from "./real_command_control.ts";
 * commandArgs("deno task down {server}", "server_1");
 * // ["deno", "task", "down", "server_1"]
 * ```
 */
export function commandArgs(template: string, server: string): string[] {
  if (!SAFE_NAME.test(server)) {
    throw new RangeError(`Refusing to run a command for server "${server}".`);
  }
  const argv = template.split(/\s+/).filter(Boolean)
    .map((part) => part.replaceAll("{server}", server));
  if (argv.length === 0) throw new RangeError("The command is empty.");
  return argv;
}

/**
 * A {@linkcode ClusterControl} running `templates` (needs `--allow-run`).
 * A command that fails or outlives `timeoutMs` rejects with its stderr.
 */
export function commandControl(
  templates: CommandTemplates,
  timeoutMs = COMMAND_TIMEOUT_MS,
): ClusterControl {
  return {
    stop: (name) => runCommand(commandArgs(templates.stop, name), timeoutMs),
    start: (name) => runCommand(commandArgs(templates.start, name), timeoutMs),
  };
}

/** Runs `argv` to completion within `timeoutMs`; rejects unless it succeeds. */
export async function runCommand(
  argv: readonly string[],
  timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<void> {
  const [command, ...args] = argv;
  const child = new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  }, timeoutMs);
  try {
    const output = await child.output();
    if (!output.success) {
      const stderr = new TextDecoder().decode(output.stderr).trim()
        .slice(-500);
      throw new Error(
        `Command "${argv.join(" ")}" failed (exit ${output.code}${
          output.signal ? `, ${output.signal}` : ""
        })${stderr ? `: ${stderr}` : ""}`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
