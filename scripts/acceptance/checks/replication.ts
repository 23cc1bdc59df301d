/**
 * Check 9: replication. A user, channel and message written to one server
 * reach every server's state with the same id and clock; with
 * `disruptive`, a stopped server catches up on what was written while it
 * was down once it is started again.
 *
 * @module
 */

import type { WireMap } from "@agora/shared/protocol";
import { check, type CheckContext, show } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** How long replication (or catch-up) may take. */
const REPLICATE_MS = 20_000;

/** Check 9. */
export const replicationCheck: AcceptanceCheck = {
  id: "replication",
  name:
    "replication: every server has every message, a restarted one catches up",
  timeoutMs: 90_000,
  async run(ctx) {
    const servers = Object.entries(await ctx.servers());
    check(servers.length > 0, "No server endpoints were given to the suite");
    const [writerName, writer] = servers[0];
    const user = ctx.name("repl");
    const channel = ctx.name("repl_ch");
    await ctx.expect(writer, "login", { user }, ["sucesso"]);
    await ctx.expect(writer, "channel", { channel }, ["sucesso"]);
    const id = await _publish(ctx, writer, user, channel, "replicated");
    const copies = await _waitEverywhere(ctx, servers, user, channel, [id]);
    const base = `${id} written on ${writerName} is in the history of ${
      servers.map(([n]) => n).join(", ")
    } with clock ${copies[0].clock}`;
    if (!ctx.settings.disruptive) {
      return {
        message: `${base}; restart catch-up not exercised (not disruptive)`,
        partial: true,
      };
    }
    const control = ctx.settings.control;
    check(
      control !== undefined,
      "Disruptive run without a way to stop servers",
    );
    check(servers.length >= 2, "Catch-up needs at least two servers");

    // Stop the lowest-priority server (highest rank): a follower, so no
    // election mixes into the catch-up.
    const list = await ctx.referenceList();
    const rankOf = (name: string) =>
      list.find((e) => e.name === name)?.rank ?? 0;
    const [downName, down] =
      [...servers].sort((x, y) => rankOf(y[0]) - rankOf(x[0]))[0];
    const live = servers.filter(([n]) => n !== downName);
    const lateUser = ctx.name("late");
    const lateChannel = ctx.name("late_ch");
    const ids: string[] = [];
    await control.stop(downName);
    try {
      const [, first] = live[0];
      const [, second] = live[live.length - 1];
      await ctx.expect(first, "login", { user: lateUser }, ["sucesso"]);
      await ctx.expect(first, "channel", { channel: lateChannel }, ["sucesso"]);
      await _waitEverywhere(ctx, live, lateUser, lateChannel, []);
      for (let i = 0; i < 3; i++) {
        const via = i % 2 === 0 ? first : second;
        ids.push(await _publish(ctx, via, lateUser, lateChannel, `late ${i}`));
      }
    } finally {
      await control.start(downName);
    }
    const caughtUp = await _waitEverywhere(
      ctx,
      [[downName, down]],
      lateUser,
      lateChannel,
      ids,
    );
    const reference = await _history(ctx, live[0][1], lateChannel);
    const order = (list: WireMap[]) =>
      list.filter((m) => ids.includes(String(m.id))).map((m) => m.id).join(",");
    check(
      order(caughtUp) === order(reference),
      `${downName} caught up in another order than ${live[0][0]}: ${
        order(caughtUp)
      } vs ${order(reference)}`,
    );
    return `${base}; ${downName} was stopped, missed a user, a channel and ${ids.length} messages, and caught up after its restart`;
  },
};

async function _publish(
  ctx: CheckContext,
  endpoint: string,
  user: string,
  channel: string,
  label: string,
): Promise<string> {
  const text = `${label} ${crypto.randomUUID()}`;
  await ctx.expect(endpoint, "publish", { user, channel, message: text }, [
    "OK",
  ]);
  const mine = (await _history(ctx, endpoint, channel)).find((m) =>
    m.message === text
  );
  check(mine !== undefined, `The server that took "${text}" does not list it`);
  return String(mine.id);
}

async function _history(
  ctx: CheckContext,
  endpoint: string,
  channel: string,
): Promise<WireMap[]> {
  const reply = await ctx.expect(endpoint, "history", { channel }, [
    "sucesso",
  ]);
  return reply.data.messages as WireMap[];
}

/**
 * Waits until every server knows `user` and `channel` and holds the
 * messages `ids` with identical clocks; returns the last server's copies.
 */
async function _waitEverywhere(
  ctx: CheckContext,
  servers: [string, string][],
  user: string,
  channel: string,
  ids: readonly string[],
): Promise<WireMap[]> {
  return await ctx.waitFor(
    `Not every server has ${user}, ${channel} and ${
      ids.length === 0 ? "its state" : ids.join(", ")
    }`,
    REPLICATE_MS,
    async () => {
      let clocks: string | undefined;
      let copies: WireMap[] = [];
      for (const [name, endpoint] of servers) {
        const users = (await ctx.expect(endpoint, "users", {})).data.users;
        if (!Array.isArray(users) || !users.includes(user)) {
          throw new Error(`${name} does not list user ${user}`);
        }
        const channels = (await ctx.expect(endpoint, "channels", {})).data
          .channels;
        if (!Array.isArray(channels) || !channels.includes(channel)) {
          throw new Error(`${name} does not list channel ${channel}`);
        }
        const history = await _history(ctx, endpoint, channel);
        copies = ids.map((id) => history.find((m) => m.id === id))
          .filter((m) => m !== undefined);
        if (copies.length < ids.length) {
          throw new Error(
            `${name} has ${copies.length} of ${ids.length} messages`,
          );
        }
        const mine = show(copies.map((m) => [m.id, m.clock, m.message]));
        if (clocks !== undefined && clocks !== mine) {
          throw new Error(`${name} holds other copies: ${mine} vs ${clocks}`);
        }
        clocks = mine;
      }
      return copies;
    },
  );
}
