/**
 * Which `Host` headers the UI answers: a defence against DNS rebinding, where
 * a page on another site points its own name at 127.0.0.1 and then talks to a
 * UI on the visitor's machine as "same origin" (Origin and Host agree, both
 * the attacker's name). Pure.
 *
 * A UI bound to a loopback interface answers only loopback names by
 * default; one bound to another interface (a container's 0.0.0.0) answers
 * any name unless given a list (`--allowed-hosts`, `AGORA_UI_ALLOWED_HOSTS`;
 * `*` for any).
 *
 * @module
 */

/** The names a loopback-bound UI answers by default. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze([
  "127.0.0.1",
  "localhost",
  "::1",
]);

/**
 * The allowed host names for a UI bound to `bindHostname`, given the
 * configured list (empty or absent: the default), or `undefined` for any.
 */
export function allowedHosts(
  bindHostname: string,
  configured: readonly string[] | undefined,
): readonly string[] | undefined {
  if (configured !== undefined && configured.length > 0) {
    return configured.includes("*")
      ? undefined
      : configured.map((h) => stripBrackets(h.toLowerCase()));
  }
  return isLoopback(bindHostname) ? LOOPBACK_HOSTS : undefined;
}

/**
 * Whether a request whose `Host` header is `host` may be answered
 * (`allowed` from {@linkcode allowedHosts}; `undefined`: any).
 *
 * @example
 * ```ts
 * import { hostAllowed, LOOPBACK_HOSTS } from "./host_check.ts";
 * hostAllowed("127.0.0.1:8080", LOOPBACK_HOSTS); // true
 * hostAllowed("evil.example:8080", LOOPBACK_HOSTS); // false
 * ```
 */
export function hostAllowed(
  host: string | null,
  allowed: readonly string[] | undefined,
): boolean {
  if (allowed === undefined) return true;
  if (host === null || host === "") return false;
  return allowed.includes(hostName(host));
}

/** The host name of a `Host` header, lower-cased, without port or brackets. */
function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(":");
  // More than one colon and no brackets: a bare IPv6 address, no port.
  return colon >= 0 && value.indexOf(":") === colon
    ? value.slice(0, colon)
    : value;
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function isLoopback(hostname: string): boolean {
  const name = stripBrackets(hostname.toLowerCase());
  return name === "localhost" || name === "::1" || name.startsWith("127.");
}
