/**
 * Reading the binding's environment variables without ever prompting.
 *
 * @module
 */

/**
 * The value of an environment variable, or undefined if it is unset or
 * `--allow-env` does not cover it (no permission prompt at import time).
 */
export function readEnv(name: string): string | undefined {
  try {
    if (
      Deno.permissions.querySync({ name: "env", variable: name }).state !==
        "granted"
    ) return undefined;
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
