/**
 * Which server to ask next: the endpoints known from configuration and from
 * the reference's `list`, a sticky current choice, and a cool-down for
 * servers that just failed. Pure: time and randomness are inputs.
 *
 * @module
 */

/** Options of {@linkcode ServerPool}. */
export interface ServerPoolOptions {
  /** How long a failed server goes to the back of the line (default 5000 ms). */
  cooldownMs?: number;
  /** Random number in [0, 1), to spread clients over servers (default `Math.random`). */
  random?: () => number;
}

/**
 * The servers a client may ask, and the order to ask them in.
 *
 * A client sticks to one server while it answers (its `current`); the first
 * choice is random so that many clients spread over the cluster. A server
 * that fails is skipped for `cooldownMs`, then tried again like any other.
 *
 * @example
 * ```ts
 * import { ServerPool } from "@agora/shared/client";
 * const pool = new ServerPool(["tcp://a:1", "tcp://b:1"], { random: () => 0 });
 * pool.candidates(0); // ["tcp://a:1", "tcp://b:1"]
 * pool.reportFailure("tcp://a:1", 0);
 * pool.candidates(10); // ["tcp://b:1", "tcp://a:1"]
 * ```
 */
export class ServerPool {
  readonly #configured: string[];
  #discovered: string[] = [];
  #current: string | undefined;
  readonly #failedAtMs = new Map<string, number>();
  readonly #cooldownMs: number;
  readonly #random: () => number;

  /** Starts with the configured endpoints (duplicates and blanks dropped). */
  constructor(configured: readonly string[], options: ServerPoolOptions = {}) {
    this.#configured = _unique(configured);
    this.#cooldownMs = options.cooldownMs ?? 5000;
    this.#random = options.random ?? Math.random;
  }

  /** Every known endpoint: configured ones first, then discovered ones. */
  get endpoints(): string[] {
    return _unique([...this.#configured, ...this.#discovered]);
  }

  /** The endpoint the client sticks to, if one was chosen. */
  get current(): string | undefined {
    return this.#current;
  }

  /**
   * Replaces the endpoints learnt from the reference. If the current server
   * left the list (and is not configured), the next request chooses anew.
   */
  setDiscovered(endpoints: readonly string[]): void {
    this.#discovered = _unique(endpoints);
    const known = new Set(this.endpoints);
    if (this.#current !== undefined && !known.has(this.#current)) {
      this.#current = undefined;
    }
    for (const endpoint of [...this.#failedAtMs.keys()]) {
      if (!known.has(endpoint)) this.#failedAtMs.delete(endpoint);
    }
  }

  /**
   * The endpoints in the order to try them at `nowMs`: the current one
   * first (chosen at random if none), then the others in ring order after
   * it; servers cooling down after a failure come last, the longest-failed
   * first.
   */
  candidates(nowMs: number): string[] {
    const all = this.endpoints;
    if (all.length === 0) return [];
    if (this.#current === undefined) {
      const healthy = all.filter((e) => !this.#coolingDown(e, nowMs));
      const pickFrom = healthy.length > 0 ? healthy : all;
      const index = Math.min(
        pickFrom.length - 1,
        Math.floor(this.#random() * pickFrom.length),
      );
      this.#current = pickFrom[Math.max(0, index)];
    }
    const start = Math.max(0, all.indexOf(this.#current));
    const ring = [...all.slice(start), ...all.slice(0, start)];
    const healthy = ring.filter((e) => !this.#coolingDown(e, nowMs));
    const cooling = ring.filter((e) => this.#coolingDown(e, nowMs))
      .sort((a, b) => this.#failedAtMs.get(a)! - this.#failedAtMs.get(b)!);
    return [...healthy, ...cooling];
  }

  /** Records that `endpoint` answered: it becomes the current server. */
  reportSuccess(endpoint: string): void {
    this.#failedAtMs.delete(endpoint);
    this.#current = endpoint;
  }

  /**
   * Records that `endpoint` did not answer at `nowMs`: it cools down, and if
   * it was the current server the next healthy one in ring order takes over.
   */
  reportFailure(endpoint: string, nowMs: number): void {
    this.#failedAtMs.set(endpoint, nowMs);
    if (this.#current !== endpoint) return;
    const all = this.endpoints;
    const start = all.indexOf(endpoint);
    for (let step = 1; step < all.length; step++) {
      const next = all[(start + step) % all.length];
      if (!this.#coolingDown(next, nowMs)) {
        this.#current = next;
        return;
      }
    }
  }

  /** Whether `endpoint` failed less than `cooldownMs` before `nowMs`. */
  isCoolingDown(endpoint: string, nowMs: number): boolean {
    return this.#coolingDown(endpoint, nowMs);
  }

  #coolingDown(endpoint: string, nowMs: number): boolean {
    const failedAt = this.#failedAtMs.get(endpoint);
    return failedAt !== undefined && nowMs - failedAt < this.#cooldownMs;
  }
}

function _unique(endpoints: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    const trimmed = typeof endpoint === "string" ? endpoint.trim() : "";
    if (trimmed.length > 0) seen.add(trimmed);
  }
  return [...seen];
}
