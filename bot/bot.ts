/**
 * The bot's loop: log in, then forever pick a channel and post a numbered
 * batch of messages at a steady pace. It listens to its channels and its
 * own name (counting and logging what arrives) and never answers anyone.
 * Errors never end it: it waits and carries on (the client library fails
 * over between servers; the SUB socket reconnects when the proxy returns).
 *
 * @module
 */

import {
  type AgoraClient,
  AgoraError,
  sleep,
  type Subscription,
} from "@agora/shared/client";
import type { Logger } from "@agora/shared/log";
import { chooseChannel } from "./channel_choice.ts";
import { botMessage } from "./texts.ts";

/** Options of {@linkcode runBot}. */
export interface BotOptions {
  /** The cluster client (the bot does not close it). */
  client: AgoraClient;
  /** The bot's user name. */
  user: string;
  /** ms between two messages. */
  paceMs: number;
  /** Messages per channel before picking another (default 10). */
  batchSize?: number;
  /** Stop after this many messages (default: never). */
  count?: number;
  /** Structured logger. */
  log: Logger;
  /** Stops the bot (between steps; a pending wait ends at once). */
  signal?: AbortSignal;
  /** Randomness (default `Math.random`). */
  random?: () => number;
  /** Most channels followed live at once (default 5; the oldest is dropped). */
  maxFollowed?: number;
  /**
   * Waits `ms` (the pace and the backoff); must end early when `signal`
   * aborts. Default: a timer. Tests inject one to see the waits.
   */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** What a bot did. */
export interface BotStats {
  /** Messages it published. */
  sent: number;
  /** Channel messages it received live (its own included). */
  received: number;
  /** Private messages it received. */
  privateReceived: number;
  /** Failed requests (each was waited out and retried or skipped). */
  failures: number;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;

/**
 * Runs the bot until `count` messages were sent or `signal` aborts;
 * resolves with what it did. Never rejects for cluster errors.
 */
export async function runBot(options: BotOptions): Promise<BotStats> {
  const { client, user, log } = options;
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 10;
  const maxFollowed = options.maxFollowed ?? 5;
  const pause = options.sleep ?? sleep;
  const stats: BotStats = {
    sent: 0,
    received: 0,
    privateReceived: 0,
    failures: 0,
  };
  const followed = new Map<string, Subscription>();
  let backoffMs = BACKOFF_MIN_MS;
  const stopped = () => options.signal?.aborted === true;
  const done = () =>
    stopped() || (options.count !== undefined && stats.sent >= options.count);

  /**
   * Runs `action`; on failure logs, waits (growing) and returns undefined.
   * A success does not reset the wait: only a published message does, or a
   * step that always fails after others succeed would retry at full speed.
   */
  async function attempt<T>(
    what: string,
    action: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AgoraError && error.code === "closed") throw error;
      stats.failures++;
      const code = error instanceof AgoraError ? error.code : "unexpected";
      log.warn(`${what}_failed`, {
        code,
        error: error instanceof Error ? error.message : String(error),
        retryInMs: backoffMs,
      });
      await pause(backoffMs, options.signal);
      backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
      return undefined;
    }
  }

  /** Starts a live feed; without one (no proxy configured) the bot only posts. */
  function listen(open: () => Subscription): Subscription | undefined {
    try {
      return open();
    } catch (error) {
      if (error instanceof AgoraError && error.code === "closed") throw error;
      log.warn("live_feed_unavailable", {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  function follow(channel: string): void {
    if (followed.has(channel)) return;
    const subscription = listen(() =>
      client.onChannel(channel, (message) => {
        stats.received++;
        if (message.user !== user) {
          log.debug("channel_message", {
            channel,
            from: message.user,
            clock: message.clock,
          });
        }
      })
    );
    if (subscription === undefined) return;
    followed.set(channel, subscription);
    if (followed.size > maxFollowed) {
      const [oldest, subscription] = followed.entries().next().value!;
      subscription.close();
      followed.delete(oldest);
    }
  }

  let inbox: Subscription | undefined;
  try {
    while (!stopped()) {
      const loggedIn = await attempt(
        "login",
        () => client.login(user).then(() => true),
      );
      if (loggedIn) break;
    }
    if (stopped()) return stats;
    log.info("logged_in", { user, server: client.currentServer });
    // Counted and logged only: a bot never answers a private message.
    inbox = listen(() =>
      client.onPrivate(user, (message) => {
        stats.privateReceived++;
        log.info("private_received", {
          from: message.src,
          clock: message.clock,
          length: message.message.length,
        });
      })
    );

    while (!done()) {
      const channels = await attempt("channels", () => client.channels());
      if (channels === undefined) continue;
      const choice = chooseChannel(channels, random);
      if (choice.kind === "create") {
        const created = await attempt(
          "create_channel",
          () => client.createChannel(choice.channel, user).then(() => true),
        );
        if (created === undefined) continue;
        log.info("channel_created", { channel: choice.channel });
      }
      const channel = choice.channel;
      const joined = await attempt(
        "subscribe",
        () => client.subscribe(user, channel).then(() => true),
      );
      if (joined === undefined) continue;
      follow(channel);
      log.info("batch_started", { channel, batchSize });
      for (let index = 1; index <= batchSize && !done(); index++) {
        const text = botMessage(random, index, batchSize);
        const sent = await attempt(
          "publish",
          () => client.publish(user, channel, text),
        );
        if (sent === undefined) {
          // The channel may be gone from this server's view, or the cluster
          // is down: start over with a fresh channel list.
          break;
        }
        stats.sent++;
        backoffMs = BACKOFF_MIN_MS;
        log.info("published", {
          channel,
          index,
          id: sent.id,
          server: sent.endpoint,
          sent: stats.sent,
        });
        if (!done()) await pause(options.paceMs, options.signal);
      }
    }
  } catch (error) {
    if (!(error instanceof AgoraError && error.code === "closed")) throw error;
  } finally {
    inbox?.close();
    for (const subscription of followed.values()) subscription.close();
  }
  return stats;
}
