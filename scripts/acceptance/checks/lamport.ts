/**
 * Check 8: Lamport clocks increase along causal chains.
 *
 * - request → reply: every server's reply clock exceeds the request's;
 * - request → publication → reply: a published message's clock exceeds
 *   the `publish` request's, the reply's exceeds the message's, and the
 *   subscriber receives the message with that same clock;
 * - across servers: a message published on one server after the reply of
 *   another carries a larger clock, and every replica stores both with
 *   their origin clocks, in that order.
 *
 * @module
 */

import type { WireMap } from "@agora/shared/protocol";
import type { RpcReply } from "../../runner/rpc.ts";
import { check, type CheckContext, show } from "../context.ts";
import type { Feed } from "../feed.ts";
import type { AcceptanceCheck } from "../types.ts";

/** Check 8. */
export const lamportCheck: AcceptanceCheck = {
  id: "lamport",
  name: "Lamport clocks increase along request, reply and publication chains",
  timeoutMs: 60_000,
  async run(ctx) {
    const servers = Object.entries(await ctx.servers());
    check(servers.length > 0, "No server endpoints were given to the suite");
    for (const [name, endpoint] of servers) {
      const reply = await ctx.expect(endpoint, "users", {});
      _after(reply, `${name}'s "users" reply`);
    }

    const [aName, a] = servers[0];
    const [bName, b] = servers[servers.length > 1 ? 1 : 0];
    const user = ctx.name("lamport");
    const channel = ctx.name("lamport_ch");
    _after(
      await ctx.expect(a, "login", { user }, ["sucesso"]),
      `${aName}'s "login" reply`,
    );
    _after(
      await ctx.expect(a, "channel", { channel }, ["sucesso"]),
      `${aName}'s "channel" reply`,
    );
    const feed = ctx.feed([channel]);

    // The subscription reaches the proxy asynchronously: publish until one
    // message arrives, then measure with the next ones.
    await ctx.waitFor(
      `No publication on "${channel}" reached the subscriber`,
      10_000,
      async () => {
        const text = `warm-up ${crypto.randomUUID()}`;
        await ctx.expect(a, "publish", { user, channel, message: text }, [
          "OK",
        ]);
        const waitMs = Math.max(200, ctx.ms(1000));
        return await feed.next((r) => r.payload.message === text, waitMs, text)
          .then(() => true, () => undefined);
      },
    );

    const first = await _publish(ctx, feed, a, user, channel, "first", aName);
    const second = await _publish(ctx, feed, b, user, channel, "second", bName);
    check(
      second.request > first.reply,
      `Our "publish" to ${bName} carried clock ${second.request}, not above ${aName}'s reply ${first.reply}`,
    );
    check(
      second.message > first.message,
      `The message published on ${bName} after ${aName}'s reply has clock ${second.message}, not above the earlier message's ${first.message}`,
    );

    await ctx.waitFor(
      "Not every server stores both messages with their origin clocks, in causal order",
      15_000,
      async () => {
        for (const [name, endpoint] of servers) {
          const history = await ctx.expect(endpoint, "history", { channel }, [
            "sucesso",
          ]);
          const messages = history.data.messages as WireMap[];
          const i = messages.findIndex((m) => m.id === first.id);
          const j = messages.findIndex((m) => m.id === second.id);
          if (i < 0 || j < 0) throw new Error(`${name} lacks a message yet`);
          check(
            i < j,
            `${name} returns the second message before the first`,
          );
          check(
            messages[i].clock === first.message &&
              messages[j].clock === second.message,
            `${name} stores clocks ${show(messages[i].clock)}, ${
              show(messages[j].clock)
            }; the origins stamped ${first.message}, ${second.message}`,
          );
          const clocks = messages.map((m) => m.clock as number);
          check(
            clocks.every((c, k) => k === 0 || c >= clocks[k - 1]),
            `${name}'s history of "${channel}" is not in clock order: ${
              show(clocks)
            }`,
          );
        }
        return true;
      },
    );
    return `request < reply on ${servers.length} servers; publish ${first.request} < message ${first.message} < reply ${first.reply} on ${aName}; then ${second.request} < ${second.message} < ${second.reply} on ${bName}; replicas keep origin clocks`;
  },
};

interface Measured {
  id: string;
  request: number;
  message: number;
  reply: number;
}

async function _publish(
  ctx: CheckContext,
  feed: Feed,
  endpoint: string,
  user: string,
  channel: string,
  label: string,
  server: string,
): Promise<Measured> {
  const text = `${label} ${crypto.randomUUID()}`;
  const reply = await ctx.expect(endpoint, "publish", {
    user,
    channel,
    message: text,
  }, ["OK"]);
  const received = await feed.next(
    (r) => r.payload.message === text,
    Math.max(500, ctx.ms(5000)),
    `The ${label} message published on ${server}`,
  );
  const message = received.payload.clock;
  check(
    typeof message === "number" && typeof reply.data.clock === "number",
    `The ${label} publication or its reply has no clock: ${
      show(received.payload)
    }`,
  );
  const measured: Measured = {
    id: String(received.payload.id),
    request: reply.sent.clock,
    message,
    reply: reply.data.clock,
  };
  check(
    measured.message > measured.request,
    `On ${server}, the ${label} message has clock ${measured.message}, not above its "publish" request's ${measured.request}`,
  );
  check(
    measured.reply > measured.message,
    `On ${server}, the "publish" reply has clock ${measured.reply}, not above the ${label} message's ${measured.message} (it was published before the reply)`,
  );
  check(
    received.topic === channel && received.payload.channel === channel,
    `The ${label} message came on topic "${received.topic}" for channel ${
      show(received.payload.channel)
    }`,
  );
  return measured;
}

function _after(reply: RpcReply, what: string): void {
  const clock = reply.data.clock;
  check(
    typeof clock === "number" && clock > reply.sent.clock,
    `${what} has clock ${
      show(clock)
    }, not above the request's ${reply.sent.clock}`,
  );
}
