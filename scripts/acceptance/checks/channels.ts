/**
 * Check 7: channels created on different servers show up in every server's
 * `channels`, a name taken on one server is refused on another, and the
 * servers' channel lists converge to the same set.
 *
 * @module
 */

import { check, show } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** How long replication of a channel may take. */
const REPLICATE_MS = 15_000;

/** Check 7. */
export const channelsCheck: AcceptanceCheck = {
  id: "channels",
  name: "channels are created and listed consistently on every server",
  timeoutMs: 60_000,
  async run(ctx) {
    const servers = Object.entries(await ctx.servers());
    check(servers.length > 0, "No server endpoints were given to the suite");
    const [firstName, first] = servers[0];
    const [lastName, last] = servers[servers.length - 1];
    const one = ctx.name("chan_a");
    const two = ctx.name("chan_b");
    await ctx.expect(first, "channel", { channel: one }, ["sucesso"]);
    await ctx.expect(last, "channel", { channel: two }, ["sucesso"]);

    const lists = async () =>
      await Promise.all(servers.map(async ([name, endpoint]) => {
        const reply = await ctx.expect(endpoint, "channels", {});
        const channels = reply.data.channels;
        if (!Array.isArray(channels)) {
          throw new Error(`${name} answered "channels" without a list`);
        }
        return { name, channels: channels as string[] };
      }));
    await ctx.waitFor(
      `"${one}" (made on ${firstName}) and "${two}" (made on ${lastName}) are not listed by every server`,
      REPLICATE_MS,
      async () => {
        const all = await lists();
        const missing = all.filter((l) =>
          !l.channels.includes(one) || !l.channels.includes(two)
        );
        if (missing.length > 0) {
          throw new Error(
            `missing on ${missing.map((l) => l.name).join(", ")}`,
          );
        }
        return true;
      },
    );

    if (servers.length > 1) {
      const [otherName, other] = servers[1];
      const twice = await ctx.call(other, "channel", { channel: one });
      check(
        String(twice.data.status) === "erro",
        `${otherName} accepted "${one}", already created on ${firstName}: ${
          show(twice.data)
        }`,
      );
    }

    // Bots may create channels meanwhile; the lists must meet at some point.
    const same = await ctx.waitFor(
      "The servers' channel lists never became the same",
      REPLICATE_MS,
      async () => {
        const all = await lists();
        const sets = all.map((l) => [...new Set(l.channels)].sort().join("\n"));
        if (new Set(sets).size !== 1) {
          const base = new Set(all[0].channels);
          const diff = all.slice(1).map((l) =>
            `${l.name}: ${
              l.channels.filter((c) => !base.has(c)).length +
              [...base].filter((c) => !l.channels.includes(c)).length
            } differ from ${all[0].name}`
          );
          throw new Error(diff.join(", "));
        }
        return all[0].channels.length;
      },
    );
    return `2 new channels on all ${servers.length} servers, duplicate refused, ${same} channels listed identically`;
  },
};
