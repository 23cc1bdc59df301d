/**
 * The agora client: typed calls to the chat servers with failover (Lazy
 * Pirate over every known server), a Lamport clock, and live publications
 * through the proxy with exact topic matching.
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import type { Logger } from "@agora/shared/log";
import type {
  ChannelMessage,
  PrivateMessage,
  RequestInput,
  ServerService,
} from "@agora/shared/protocol";
import { type Answer, type CallContext, callOnce, refusal } from "./call.ts";
import { AgoraError, type AttemptFailure } from "./errors.ts";
import type { MessageStream } from "./message_queue.ts";
import {
  PublicationFeed,
  type ServerAnnouncement,
  type Subscription,
} from "./publication_feed.ts";
import { ReferenceClient } from "./reference_client.ts";
import { ExchangeFailure, RequestSockets } from "./request_sockets.ts";
import { ServerPool } from "./server_pool.ts";
import { sleep } from "./sleep.ts";

/** Options of {@linkcode AgoraClient}. */
export interface AgoraClientOptions {
  /** Server endpoints from configuration (`AGORA_SERVERS`). */
  servers?: readonly string[];
  /**
   * The reference's endpoint (`AGORA_REFERENCE`): its `list` adds the
   * servers' advertised addresses, refreshed periodically and after
   * failures. Empty or absent: configured servers only.
   */
  reference?: string;
  /** The proxy's XPUB endpoint (`AGORA_PROXY_SUB`), needed for live publications. */
  proxy?: string;
  /** ms to wait for each reply before trying the next server (default 2000). */
  timeoutMs?: number;
  /**
   * Attempts per request (default 3); raised to the number of known
   * servers (at most 10) so that every server gets a chance.
   */
  maxAttempts?: number;
  /** How old the reference's list may get before it is fetched again (default 5000 ms). */
  refreshIntervalMs?: number;
  /** How long a server that failed is tried only after the others (default 5000 ms). */
  cooldownMs?: number;
  /** Lamport clock to share (default: a new one at 0). */
  clock?: LamportClock;
  /** Wall clock, ms since the epoch (default `Date.now`). */
  nowMs?: () => number;
  /** Randomness for the first server choice (default `Math.random`). */
  random?: () => number;
  /** Logger for failovers and dropped publications (default: none). */
  log?: Logger;
  /** Most REQ sockets open at once (default 64). */
  maxOpenSockets?: number;
  /**
   * How long `publish` / `message` keep retrying, with the same
   * `request_id`, when a server refuses the post after an earlier attempt
   * got no reply (default 3000 ms): the silent server may have stored it,
   * and the one that refused may only be behind in replication (which
   * anti-entropy repairs every couple of seconds).
   */
  settleMs?: number;
}

/** Per-request options. */
export interface CallOptions {
  /** ms to wait for the reply of each attempt (default: the client's `timeoutMs`). */
  timeoutMs?: number;
}

/** A page of history. */
export interface HistoryPage {
  /** Most messages (server default 100, at most 1000). */
  limit?: number;
  /** Only messages strictly older than the message with this id. */
  before?: string;
}

/** The outcome of `publish` / `message`. */
export interface Sent {
  /** The stored message's id (extension; `undefined` from servers that omit it). */
  id: string | undefined;
  /** Endpoint of the server that stored it. */
  endpoint: string;
  /** The reply's timestamp (seconds), when present. */
  timestamp: number | undefined;
  /** The reply's Lamport clock, when present. */
  clock: number | undefined;
}

/**
 * A client of an agora cluster. Methods are stateless with respect to the
 * user (pass the user explicitly), so one client can serve many sessions.
 *
 * Every request goes to the current server; when no reply comes within
 * `timeoutMs` the REQ socket is closed and the next server is tried, up to
 * `maxAttempts`, then the call rejects with {@linkcode AgoraError}
 * `"unavailable"` listing each attempt. A server's refusal rejects with
 * `"rejected"` and the server's description. A retried `publish` /
 * `message` keeps its `request_id`, so a server that already stored it
 * answers with the stored post instead of storing it again. When an
 * attempt got no reply (that server may have stored the post) and another
 * server refuses it (it may not have caught up yet), the refusal is not
 * final: the post is retried for `settleMs`, and if no server confirms it
 * or every silent server refuses it, the call rejects with
 * `"unknown_outcome"` (it may be stored: check the history), never
 * `"rejected"`. Likewise `createChannel` counts "already exists" as
 * success after an attempt that got no reply.
 *
 * @example
 * ```ts
 * import { AgoraClient } from "@agora/shared/client";
 * const client = new AgoraClient({
 *   reference: "tcp://127.0.0.1:5559",
 *   proxy: "tcp://127.0.0.1:5558",
 * });
 * try {
 *   await client.login("ana");
 *   const live = client.onChannel("general", (m) => console.log(m.user, m.message));
 *   await client.subscribe("ana", "general");
 *   await client.publish("ana", "general", "hello");
 *   live.close();
 * } finally {
 *   await client.close();
 * }
 * ```
 */
export class AgoraClient {
  /** The Lamport clock: ticked before every send, merged on every receipt. */
  readonly clock: LamportClock;
  readonly #pool: ServerPool;
  readonly #context: CallContext;
  readonly #reference: ReferenceClient | undefined;
  readonly #proxy: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #refreshIntervalMs: number;
  readonly #log: Logger | undefined;
  readonly #settleMs: number;
  /** Aborted by {@linkcode close}, to cut short a pause between retries. */
  readonly #closing = new AbortController();
  #lastRefreshMs = -Infinity;
  #refreshing: Promise<void> | undefined;
  #feed: PublicationFeed | undefined;
  #closed = false;

  /** Creates the client; sockets are opened on first use. */
  constructor(options: AgoraClientOptions = {}) {
    this.clock = options.clock ?? new LamportClock();
    const nowMs = options.nowMs ?? Date.now;
    this.#pool = new ServerPool(options.servers ?? [], {
      cooldownMs: options.cooldownMs,
      random: options.random,
    });
    const sockets = new RequestSockets({ maxOpen: options.maxOpenSockets });
    this.#context = { sockets, clock: this.clock, nowMs };
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? 2000);
    this.#maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3));
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 5000;
    this.#log = options.log;
    this.#settleMs = Math.max(0, options.settleMs ?? 3000);
    const reference = options.reference?.trim();
    this.#reference = reference
      ? new ReferenceClient({
        endpoint: reference,
        // A background refresh must not hold requests up for long.
        timeoutMs: Math.min(this.#timeoutMs, 1500),
        attempts: 1,
        clock: this.clock,
        nowMs,
        sockets,
      })
      : undefined;
    this.#proxy = options.proxy?.trim() || undefined;
  }

  /** Every server endpoint known now (configured, then discovered). */
  get servers(): string[] {
    return this.#pool.endpoints;
  }

  /** The server the client sticks to now, if one was chosen. */
  get currentServer(): string | undefined {
    return this.#pool.current;
  }

  /** Whether {@linkcode close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The live publication feed (created on first use). Throws
   * {@linkcode AgoraError} `"invalid_argument"` when no proxy endpoint was
   * configured, `"closed"` after {@linkcode close}.
   */
  get feed(): PublicationFeed {
    this.#ensureOpen();
    if (this.#feed !== undefined) return this.#feed;
    if (this.#proxy === undefined) {
      throw new AgoraError(
        "Live messages need the proxy's endpoint (AGORA_PROXY_SUB).",
        { code: "invalid_argument" },
      );
    }
    this.#feed = new PublicationFeed({
      endpoint: this.#proxy,
      clock: this.clock,
      onMalformed: (description) =>
        this.#log?.warn("publication_dropped", { description }),
    });
    return this.#feed;
  }

  /** Logs `user` in (creating it on first login). */
  async login(user: string, options?: CallOptions): Promise<void> {
    await this.#expect("login", { user }, options);
  }

  /** Every user the cluster knows. */
  async users(options?: CallOptions): Promise<string[]> {
    const answer = await this.#expect("users", {}, options);
    return answer.reply.service === "users" ? answer.reply.data.users : [];
  }

  /** Every channel the cluster knows. */
  async channels(options?: CallOptions): Promise<string[]> {
    const answer = await this.#expect("channels", {}, options);
    return answer.reply.service === "channels"
      ? answer.reply.data.channels
      : [];
  }

  /**
   * Creates `channel` (`user`, optional, is recorded as its creator). After
   * an attempt that got no reply, "already exists" from the next server
   * counts as success: that attempt most likely created it, and the
   * channel reached the next server by replication.
   */
  async createChannel(
    channel: string,
    user?: string,
    options?: CallOptions,
  ): Promise<void> {
    const { answer, inDoubt } = await this.#call(
      "channel",
      user === undefined ? { channel } : { channel, user },
      options,
    );
    const reason = refusal(answer);
    if (reason === undefined || (inDoubt && _alreadyExists(reason))) return;
    throw _rejected("channel", reason, answer.endpoint);
  }

  /**
   * Publishes `message` in `channel` as `user`; resolves once stored. The
   * request carries a fresh `request_id` (extension), the same on every
   * retry, so a server that already stored the post (the reply was lost,
   * or it reached the next server by replication) answers with it instead
   * of storing it twice. A refusal after an attempt that got no reply is
   * retried (see {@linkcode AgoraClientOptions.settleMs}); if the post
   * cannot be settled the call rejects with `"unknown_outcome"`.
   */
  async publish(
    user: string,
    channel: string,
    message: string,
    options?: CallOptions,
  ): Promise<Sent> {
    return _sent(
      await this.#expect("publish", {
        user,
        channel,
        message,
        request_id: crypto.randomUUID(),
      }, options),
    );
  }

  /**
   * Sends a private message from `src` to `dst`; resolves once stored
   * (with a `request_id`, and retried after a refusal like
   * {@linkcode AgoraClient.publish}).
   */
  async message(
    src: string,
    dst: string,
    message: string,
    options?: CallOptions,
  ): Promise<Sent> {
    return _sent(
      await this.#expect("message", {
        src,
        dst,
        message,
        request_id: crypto.randomUUID(),
      }, options),
    );
  }

  /** A page of `channel`'s messages, oldest first. */
  async history(
    channel: string,
    page: HistoryPage = {},
    options?: CallOptions,
  ): Promise<ChannelMessage[]> {
    const answer = await this.#expect(
      "history",
      { channel, ..._page(page) },
      options,
    );
    const data = answer.reply.data;
    return "messages" in data ? data.messages : [];
  }

  /** A page of the private messages between `user1` and `user2`, both directions, oldest first. */
  async privateHistory(
    user1: string,
    user2: string,
    page: HistoryPage = {},
    options?: CallOptions,
  ): Promise<PrivateMessage[]> {
    const answer = await this.#expect(
      "private_history",
      { user1, user2, ..._page(page) },
      options,
    );
    const data = answer.reply.data;
    return "messages" in data ? data.messages : [];
  }

  /**
   * Records that `user` follows `channel` (the protocol's `subscribe`).
   * Live messages come through {@linkcode onChannel} /
   * {@linkcode channelMessages}, not through this call.
   */
  async subscribe(
    user: string,
    channel: string,
    options?: CallOptions,
  ): Promise<void> {
    await this.#expect("subscribe", { user, channel }, options);
  }

  /**
   * Any server request, with failover. Resolves with the reply even when it
   * is a refusal (`error` or `status: "erro"`): callers that want an
   * exception use the typed methods.
   */
  request<S extends ServerService>(
    service: S,
    data: RequestInput<S>,
    options?: CallOptions,
  ): Promise<Answer<S>> {
    return this.#failover(service, data, options?.timeoutMs);
  }

  /**
   * One request to one server, without failover (for status tools and
   * tests). Rejects with `"unavailable"` when it does not answer within
   * `timeoutMs`; resolves with refusals like {@linkcode request}.
   */
  async requestTo<S extends ServerService>(
    endpoint: string,
    service: S,
    data: RequestInput<S>,
    options?: CallOptions,
  ): Promise<Answer<S>> {
    this.#ensureOpen();
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    try {
      return await callOnce(this.#context, endpoint, service, data, timeoutMs);
    } catch (error) {
      throw _unavailable(error, endpoint, service);
    }
  }

  /**
   * Sends raw frame(s) to one server and returns the reply's frames, for
   * tests of malformed requests. Nothing is stamped or parsed (the clock
   * still ticks, as for any send).
   */
  async requestFrameTo(
    endpoint: string,
    frame: Uint8Array,
    options?: CallOptions,
  ): Promise<Uint8Array[]> {
    this.#ensureOpen();
    this.clock.tick();
    try {
      return await this.#context.sockets.exchange(
        endpoint,
        frame,
        options?.timeoutMs ?? this.#timeoutMs,
      );
    } catch (error) {
      throw _unavailable(error, endpoint, "raw");
    }
  }

  /**
   * Fetches the reference's list now and returns every known endpoint. A
   * reference that does not answer leaves the known servers unchanged.
   */
  async refreshServers(): Promise<string[]> {
    this.#ensureOpen();
    await this.#startRefresh();
    return this.#pool.endpoints;
  }

  /** Calls `onMessage` for every message published in exactly `channel`. */
  onChannel(
    channel: string,
    onMessage: (message: ChannelMessage) => void,
  ): Subscription {
    return this.feed.onChannel(channel, onMessage);
  }

  /** Calls `onMessage` for every private message to exactly `user`. */
  onPrivate(
    user: string,
    onMessage: (message: PrivateMessage) => void,
  ): Subscription {
    return this.feed.onPrivate(user, onMessage);
  }

  /** Calls `onAnnouncement` for every coordinator announcement. */
  onServers(
    onAnnouncement: (announcement: ServerAnnouncement) => void,
  ): Subscription {
    return this.feed.onServers(onAnnouncement);
  }

  /** The messages of exactly `channel`, as an async iterator. */
  channelMessages(channel: string): MessageStream<ChannelMessage> {
    return this.feed.channelMessages(channel);
  }

  /** The private messages to exactly `user`, as an async iterator. */
  privateMessages(user: string): MessageStream<PrivateMessage> {
    return this.feed.privateMessages(user);
  }

  /** The coordinator announcements, as an async iterator. */
  serverAnnouncements(): MessageStream<ServerAnnouncement> {
    return this.feed.serverAnnouncements();
  }

  /**
   * Closes every socket: requests in flight reject with `"closed"`, streams
   * end, callbacks stop. Resolves when nothing is left running. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    this.#context.sockets.close();
    await this.#refreshing;
    await this.#feed?.close();
  }

  async #expect<S extends ServerService>(
    service: S,
    data: RequestInput<S>,
    options: CallOptions | undefined,
  ): Promise<Answer<S>> {
    const { answer } = await this.#call(service, data, options);
    const reason = refusal(answer);
    if (reason !== undefined) throw _rejected(service, reason, answer.endpoint);
    return answer;
  }

  /**
   * {@linkcode #failover}, then, for a post refused after an attempt that
   * got no reply, {@linkcode #settle}. `inDoubt`: some attempt of this call
   * got no (valid) reply, so its server may have carried the request out.
   */
  async #call<S extends ServerService>(
    service: S,
    data: RequestInput<S>,
    options: CallOptions | undefined,
  ): Promise<{ answer: Answer<S>; inDoubt: boolean }> {
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    const failures: AttemptFailure[] = [];
    const answer = await this.#failover(service, data, timeoutMs, failures);
    const inDoubt = failures.length > 0;
    if (inDoubt && refusal(answer) !== undefined && _isPost(service)) {
      return {
        answer: await this.#settle(service, data, timeoutMs, failures, answer),
        inDoubt,
      };
    }
    return { answer, inDoubt };
  }

  /**
   * Retries a post (same `request_id`) that `refused` turned down after
   * the attempts in `failures` got no reply: first the silent servers
   * (which may hold it and answer with it now), then every server again
   * after growing pauses, for `settleMs` (the refusing server may only be
   * behind in replication). Resolves with the first OK, or with a refusal
   * once every silent server has refused it too (a server that holds the
   * post answers with it, so none does); otherwise rejects with
   * `"unknown_outcome"`.
   */
  async #settle<S extends ServerService>(
    service: S,
    data: RequestInput<S>,
    timeoutMs: number,
    failures: AttemptFailure[],
    refused: Answer<S>,
  ): Promise<Answer<S>> {
    const silent = new Set(failures.map((f) => f.endpoint));
    // It was asked with the same request_id: had it stored the post, it
    // would have answered with it (and the same below).
    silent.delete(refused.endpoint);
    if (silent.size === 0) return refused;
    const refusedBy = new Set([refused.endpoint]);
    let last = refused;
    const deadlineMs = performance.now() + this.#settleMs;
    let pauseMs = SETTLE_FIRST_PAUSE_MS;
    for (let round = 0;; round++) {
      this.#log?.info("post_in_doubt", {
        service,
        round,
        silent: [...silent],
        refusal: refusal(last),
      });
      const others = this.#pool.candidates(this.#context.nowMs()).filter((e) =>
        !silent.has(e) && (round > 0 || !refusedBy.has(e))
      );
      for (const endpoint of [...silent, ...others]) {
        let answer: Answer<S>;
        try {
          answer = await callOnce(
            this.#context,
            endpoint,
            service,
            data,
            timeoutMs,
          );
        } catch (error) {
          if (!_retriable(error)) throw error;
          this.#failed(endpoint, service, error.message, failures);
          silent.add(endpoint);
          continue;
        }
        this.#pool.reportSuccess(endpoint);
        if (refusal(answer) === undefined) return answer;
        last = answer;
        refusedBy.add(endpoint);
        if (silent.delete(endpoint) && silent.size === 0) return answer;
      }
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) break;
      await sleep(Math.min(pauseMs, leftMs), this.#closing.signal);
      this.#ensureOpen();
      pauseMs *= 2;
    }
    const what = service === "message" ? "private message" : "post";
    const where = service === "message"
      ? "the conversation"
      : "the channel's history";
    const reason = refusal(last) ?? "";
    throw new AgoraError(
      `The ${what} may have been stored: ${
        [...silent].map((e) => `"${e}"`).join(", ")
      } did not answer in time, and "${last.endpoint}" refused it (${reason}), perhaps because it has not caught up yet. Check ${where} before sending it again.`,
      {
        code: "unknown_outcome",
        service,
        description: reason,
        endpoint: last.endpoint,
        attempts: failures,
      },
    );
  }

  #failed(
    endpoint: string,
    service: string,
    reason: string,
    failures: AttemptFailure[],
  ): void {
    this.#pool.reportFailure(endpoint, this.#context.nowMs());
    failures.push({ endpoint, reason });
    this.#log?.warn("server_failed", { endpoint, service, reason });
  }

  /**
   * Lazy Pirate over the known servers: the first answer, refusals
   * included. Each attempt that got no (valid) reply is appended to
   * `failures`.
   */
  async #failover<S extends ServerService>(
    service: S,
    data: RequestInput<S>,
    timeoutMs = this.#timeoutMs,
    failures: AttemptFailure[] = [],
  ): Promise<Answer<S>> {
    this.#ensureOpen();
    if (this.#pool.endpoints.length === 0) await this.refreshServers();
    else this.#refreshIfStale();
    const tried = new Set<string>();
    let refreshed = false;
    for (let attempt = 0; attempt < this.#budget(); attempt++) {
      const candidates = this.#pool.candidates(this.#context.nowMs());
      let endpoint = candidates.find((e) => !tried.has(e));
      if (endpoint === undefined && !refreshed && this.#reference) {
        // Every known server failed: the reference may know newer ones.
        refreshed = true;
        await this.refreshServers();
        endpoint = this.#pool.candidates(this.#context.nowMs())
          .find((e) => !tried.has(e));
      }
      if (endpoint === undefined) {
        // Another round over the same servers (Lazy Pirate retry).
        tried.clear();
        endpoint = candidates[0];
      }
      if (endpoint === undefined) break;
      tried.add(endpoint);
      try {
        const answer = await callOnce(
          this.#context,
          endpoint,
          service,
          data,
          timeoutMs,
        );
        this.#pool.reportSuccess(endpoint);
        return answer;
      } catch (error) {
        if (!_retriable(error)) throw error;
        this.#failed(endpoint, service, error.message, failures);
      }
    }
    const known = this.#pool.endpoints;
    throw new AgoraError(
      known.length === 0
        ? `No server is known for "${service}": configure AGORA_SERVERS or a reachable AGORA_REFERENCE.`
        : `No server answered "${service}" (${failures.length} attempts of ${timeoutMs} ms over ${
          new Set(failures.map((f) => f.endpoint)).size
        } of ${known.length} servers).`,
      {
        code: "unavailable",
        service,
        endpoint: failures.at(-1)?.endpoint,
        attempts: failures,
      },
    );
  }

  #budget(): number {
    return Math.max(
      this.#maxAttempts,
      Math.min(10, this.#pool.endpoints.length),
    );
  }

  #refreshIfStale(): void {
    if (this.#reference === undefined || this.#refreshing !== undefined) return;
    const ageMs = this.#context.nowMs() - this.#lastRefreshMs;
    if (ageMs >= this.#refreshIntervalMs) this.#startRefresh();
  }

  #startRefresh(): Promise<void> {
    if (this.#refreshing === undefined) {
      const refreshing = this.#refresh().finally(() => {
        if (this.#refreshing === refreshing) this.#refreshing = undefined;
      });
      this.#refreshing = refreshing;
    }
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    try {
      if (this.#reference === undefined) return;
      const list = await this.#reference.list();
      const addresses = list.flatMap((entry) =>
        entry.address === undefined ? [] : [entry.address]
      );
      // An empty list (every heartbeat late) says nothing about where the
      // servers are: keep what we knew.
      if (addresses.length > 0) this.#pool.setDiscovered(addresses);
    } catch (error) {
      this.#log?.debug("reference_unavailable", {
        reason: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.#lastRefreshMs = this.#context.nowMs();
    }
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new AgoraError("The client is closed.", { code: "closed" });
    }
  }
}

/** The first pause between rounds of {@linkcode AgoraClient}'s settling; it doubles. */
const SETTLE_FIRST_PAUSE_MS = 250;

/** No reply, or one that is not valid: another server may do better. */
function _retriable(error: unknown): error is ExchangeFailure | AgoraError {
  return error instanceof ExchangeFailure ||
    (error instanceof AgoraError && error.code === "invalid_reply");
}

/** Services that store a post under a `request_id`. */
function _isPost(service: ServerService): service is "publish" | "message" {
  return service === "publish" || service === "message";
}

/** Whether a `channel` refusal says the channel exists already. */
function _alreadyExists(reason: string): boolean {
  return /already exists/i.test(reason);
}

function _rejected(
  service: string,
  reason: string,
  endpoint: string,
): AgoraError {
  return new AgoraError(reason, {
    code: "rejected",
    service,
    description: reason,
    endpoint,
  });
}

function _page(page: HistoryPage): HistoryPage {
  const out: HistoryPage = {};
  if (page.limit !== undefined) out.limit = page.limit;
  if (page.before !== undefined) out.before = page.before;
  return out;
}

function _sent<S extends "publish" | "message">(answer: Answer<S>): Sent {
  const id = answer.raw.id;
  return {
    id: typeof id === "string" && id.length > 0 ? id : undefined,
    endpoint: answer.endpoint,
    timestamp: answer.reply.data.timestamp,
    clock: answer.reply.data.clock,
  };
}

function _unavailable(
  error: unknown,
  endpoint: string,
  service: string,
): unknown {
  if (!(error instanceof ExchangeFailure)) return error;
  return new AgoraError(error.message, {
    code: "unavailable",
    service,
    endpoint,
    attempts: [{ endpoint, reason: error.message }],
    cause: error,
  });
}
