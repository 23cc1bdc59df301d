/**
 * Checks 5 and 6: the bots are running (logged in on every server, and
 * storing new messages while the suite watches) and their messages reach a
 * subscriber through the proxy, on the exact channel topic.
 *
 * Check 5 compares the stored messages with those at its start: messages a
 * bot stored before are no proof that it still runs (they stay after it
 * stopped), so only a message that was not there at the start counts.
 *
 * When the bots' names are not given, a bot is any user outside this suite
 * (`acc_…`) that publishes by itself while the suite watches.
 *
 * @module
 */

import type { WireMap } from "@agora/shared/protocol";
import { check, type CheckContext, show } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** How long the bots get to log in and publish. */
const BOTS_MS = 30_000;
/**
 * Most channels whose history is read per poll: a bound for a pathological
 * cluster, far above a real one (each acceptance run leaves 7 channels).
 */
const CHANNELS_SCANNED_MAX = 5000;
/**
 * Latest messages read per channel. A message is new when it was not among
 * a channel's latest at the start: later ones push older ones out, never in.
 */
const MESSAGES_SCANNED = 20;

/** Check 5. */
export const botsCheck: AcceptanceCheck = {
  id: "bots",
  name: "the bots are running: logged in and publishing",
  timeoutMs: 45_000,
  async run(ctx) {
    const servers = Object.entries(await ctx.servers());
    check(servers.length > 0, "No server endpoints were given to the suite");
    const known = ctx.settings.bots;
    const expected = ctx.settings.botsExpected;
    const before = await _storedMessageKeys(ctx, servers[0][1]);
    const publishers = await ctx.waitFor(
      known.length > 0
        ? `Not every bot (${known.join(", ")}) stored a new message`
        : `Fewer than ${expected} users outside the suite stored a new message`,
      BOTS_MS,
      async () => {
        const now = await _storedMessageKeys(ctx, servers[0][1]);
        const fresh = new Set(
          [...now].filter(([user, keys]) => {
            const old = before.get(user);
            return [...keys].some((key) => !old?.has(key));
          }).map(([user]) => user),
        );
        const bots = known.length > 0
          ? known.filter((b) => fresh.has(b))
          : [...fresh].filter((u) => !_isOurs(u));
        const missing = known.filter((b) => !fresh.has(b));
        if (missing.length > 0 || bots.length < expected) {
          throw new Error(
            known.length > 0
              ? `no new message from ${missing.join(", ")} (${
                missing.filter((b) => before.has(b)).length
              } of them had older ones)`
              : `new publishers seen: ${show([...fresh])}`,
          );
        }
        return bots;
      },
    );
    await ctx.waitFor(
      `The bots ${publishers.join(", ")} are not in every server's users`,
      BOTS_MS,
      async () => {
        for (const [name, endpoint] of servers) {
          const users = (await ctx.expect(endpoint, "users", {})).data.users;
          const absent = publishers.filter((b) =>
            !Array.isArray(users) || !users.includes(b)
          );
          if (absent.length > 0) {
            throw new Error(`${name} lacks ${absent.join(", ")}`);
          }
        }
        return true;
      },
    );
    return `${
      publishers.join(", ")
    } logged in on ${servers.length} servers and stored new messages while the suite watched`;
  },
};

/** Check 6. */
export const botMessagesCheck: AcceptanceCheck = {
  id: "bot_messages",
  name: "the bots' messages reach a subscriber on the exact topic",
  timeoutMs: 45_000,
  async run(ctx) {
    const servers = Object.entries(await ctx.servers());
    check(servers.length > 0, "No server endpoints were given to the suite");
    const known = ctx.settings.bots;
    const expected = Math.max(1, ctx.settings.botsExpected);
    const feed = ctx.feed([]);
    const seen = new Map<string, WireMap>();
    const got = await ctx.waitFor(
      known.length > 0
        ? `No live message from ${known.join(", ")} reached a subscriber`
        : `No live message from ${expected} bot(s) reached a subscriber`,
      BOTS_MS,
      async () => {
        // Bots may open new channels: keep subscribing to all of them.
        const channels = (await ctx.expect(servers[0][1], "channels", {})).data
          .channels;
        if (Array.isArray(channels)) {
          feed.add(...channels.filter((c) => typeof c === "string"));
        }
        for (const r of feed.received) {
          const user = r.payload.user;
          if (typeof user !== "string" || _isOurs(user)) continue;
          if (known.length > 0 && !known.includes(user)) continue;
          check(
            r.payload.channel === r.topic,
            `A message on topic "${r.topic}" says channel ${
              show(r.payload.channel)
            }`,
          );
          check(
            typeof r.payload.id === "string" &&
              typeof r.payload.message === "string" &&
              typeof r.payload.clock === "number" &&
              typeof r.payload.server === "string",
            `A bot publication lacks id, message, clock or server: ${
              show(r.payload)
            }`,
          );
          seen.set(user, r.payload);
        }
        const want = known.length > 0 ? known.length : expected;
        return seen.size >= want ? [...seen.keys()] : undefined;
      },
    );
    return `live messages from ${got.join(", ")} on ${
      [...new Set([...seen.values()].map((p) => p.channel))].join(", ")
    } (${feed.prefixOnly} prefix-only matches dropped)`;
  },
};

/**
 * The recent messages in every channel's history on `endpoint`, as user →
 * message keys (the message's `id`, which names one stored message).
 */
async function _storedMessageKeys(
  ctx: CheckContext,
  endpoint: string,
): Promise<Map<string, Set<string>>> {
  const channels = (await ctx.expect(endpoint, "channels", {})).data.channels;
  check(Array.isArray(channels), `"channels" gave no list`);
  const found = new Map<string, Set<string>>();
  // Every channel, the suite's own included: bots post in any channel they
  // find, earlier runs' `acc_…` ones too. Messages of the suite's users are
  // told apart by their user, not their channel.
  const scanned = (channels as string[]).filter((c) => typeof c === "string")
    .slice(-CHANNELS_SCANNED_MAX);
  for (const channel of scanned) {
    const history = await ctx.expect(endpoint, "history", {
      channel,
      limit: MESSAGES_SCANNED,
    }, ["sucesso"]);
    for (const m of history.data.messages as WireMap[]) {
      if (typeof m.user !== "string") continue;
      const key = typeof m.id === "string"
        ? m.id
        : JSON.stringify([channel, m.clock, m.server, m.timestamp, m.message]);
      const keys = found.get(m.user) ?? new Set<string>();
      keys.add(key);
      found.set(m.user, keys);
    }
  }
  return found;
}

/** Names this suite creates. */
function _isOurs(name: string): boolean {
  return name.startsWith("acc_") || name === "acceptance_probe";
}
