/**
 * Container healthcheck for the agora services, run by Docker inside each
 * container so the images need no curl, nc or python:
 *
 * ```sh
 * deno run --cached-only --allow-net --allow-ffi --allow-env --allow-read \
 *   /app/scripts/healthcheck.ts <kind> <endpoint>...
 * ```
 *
 * - `reference`: sends the protocol request `list` over ZeroMQ REQ and wants a
 *   reply whose `data.list` is a list.
 * - `server`: sends `channels` and wants `data.channels` to be a list.
 * - `tcp`: every `tcp://host:port` accepts a TCP connection (the proxy, whose
 *   XSUB/XPUB sockets answer no request).
 * - `http`: a GET of the URL answers 2xx (the ui's `/healthz`).
 *
 * Exits 0 when healthy and 1 otherwise (Docker reserves 2), after at most
 * {@linkcode PROBE_TIMEOUT_MS} per endpoint.
 *
 * @module
 */

import { decode, encode } from "@msgpack/msgpack";
import { Request } from "@agora/shared/zmq";

/** What a healthcheck probes; see the module documentation. */
export type HealthKind = "reference" | "server" | "tcp" | "http";

/** Longest wait for one endpoint's answer. */
export const PROBE_TIMEOUT_MS = 2000;

const REQUESTS = {
  reference: { service: "list", field: "list" },
  server: { service: "channels", field: "channels" },
} as const;

const USAGE = "usage: healthcheck.ts <reference|server|tcp|http> <endpoint>...";

/**
 * Probes every endpoint as `kind` and resolves with a one-line description
 * of what answered; rejects with an `Error` saying which probe failed.
 *
 * @example
 * ```ts ignore
 * await probeHealth("server", ["tcp://127.0.0.1:5555"], 2000);
 * ```
 */
export async function probeHealth(
  kind: HealthKind,
  endpoints: readonly string[],
  timeoutMs: number = PROBE_TIMEOUT_MS,
): Promise<string> {
  if (endpoints.length === 0) throw new Error("No endpoint given");
  const seen: string[] = [];
  for (const endpoint of endpoints) {
    switch (kind) {
      case "reference":
      case "server":
        seen.push(await _probeRep(kind, endpoint, timeoutMs));
        break;
      case "tcp":
        seen.push(await _probeTcp(endpoint, timeoutMs));
        break;
      case "http":
        seen.push(await _probeHttp(endpoint, timeoutMs));
        break;
      default: {
        const never: never = kind;
        throw new Error(`Unknown health kind "${never}"`);
      }
    }
  }
  return seen.join("; ");
}

/**
 * Runs the command line: returns the exit code and prints one line saying
 * why, which Docker keeps in the container's health log.
 */
export async function main(args: readonly string[]): Promise<number> {
  const [kind, ...endpoints] = args;
  if (!_isKind(kind) || endpoints.length === 0) {
    console.error(USAGE);
    return 1;
  }
  try {
    console.log(`healthy: ${await probeHealth(kind, endpoints)}`);
    return 0;
  } catch (error) {
    console.error(`unhealthy: ${(error as Error).message}`);
    return 1;
  }
}

function _isKind(value: string | undefined): value is HealthKind {
  return value === "reference" || value === "server" || value === "tcp" ||
    value === "http";
}

async function _probeRep(
  kind: keyof typeof REQUESTS,
  endpoint: string,
  timeoutMs: number,
): Promise<string> {
  const { service, field } = REQUESTS[kind];
  _parseTcp(endpoint);
  const req = new Request({
    receiveTimeout: timeoutMs,
    sendTimeout: timeoutMs,
    linger: 0,
  });
  let reply: Record<string, unknown> | undefined;
  try {
    req.connect(endpoint);
    // A fresh Lamport clock of 0, incremented before sending.
    const data = { timestamp: Date.now() / 1000, clock: 1 };
    await req.send(encode({ service, data }));
    const [frame] = await req.receive();
    reply = _asRecord(frame === undefined ? undefined : decode(frame));
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(`Asking ${kind} at "${endpoint}" failed: ${message}`);
  } finally {
    req.close();
  }
  if (
    reply?.service === "error" ||
    !Array.isArray(_asRecord(reply?.data)?.[field])
  ) {
    throw new Error(
      `${kind} at "${endpoint}" gave no "${field}" list to "${service}"`,
    );
  }
  return `${kind} at ${endpoint} answered "${service}"`;
}

async function _probeTcp(endpoint: string, timeoutMs: number): Promise<string> {
  const { hostname, port } = _parseTcp(endpoint);
  const connecting = Deno.connect({ hostname, port, transport: "tcp" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Connecting to "${endpoint}" timed out`)),
      timeoutMs,
    );
  });
  try {
    const conn = await Promise.race([connecting, timeout]);
    conn.close();
    return `${endpoint} accepts connections`;
  } catch (error) {
    // A connection that lands after the timeout must not stay open.
    connecting.then((conn) => conn.close(), () => {});
    const message = (error as Error).message;
    throw new Error(`Connecting to "${endpoint}" failed: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function _probeHttp(url: string, timeoutMs: number): Promise<string> {
  if (!/^https?:\/\//.test(url)) throw new Error(`Bad URL "${url}"`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal });
    await response.body?.cancel();
    if (!response.ok) {
      throw new Error(`GET "${url}" answered ${response.status}`);
    }
    return `GET ${url} answered ${response.status}`;
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(`GET "${url}" failed: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

function _parseTcp(endpoint: string): { hostname: string; port: number } {
  const match = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/\s]+):(\d{1,5})$/.exec(
    endpoint,
  );
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new Error(`Bad endpoint "${endpoint}", want tcp://host:port`);
  }
  return { hostname: match[1].replace(/^\[|\]$/g, ""), port };
}

function _asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

if (import.meta.main) {
  // Docker kills a hung check anyway; exiting ourselves keeps the reason.
  const guard = setTimeout(() => {
    console.error("unhealthy: healthcheck overran its deadline");
    Deno.exit(1);
  }, PROBE_TIMEOUT_MS * 2 + 1000);
  const code = await main(Deno.args);
  clearTimeout(guard);
  Deno.exit(code);
}
