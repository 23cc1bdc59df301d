/**
 * Check 1: the reference answers `rank`, `list` and `heartbeat`.
 *
 * Registers a probe name of its own (`acceptance_probe`, one entry for the
 * life of the cluster, never a server's name, so no server is made to look
 * alive). The probe has no address and the highest rank, so servers never
 * elect or dial it; it drops out of `list` after the heartbeat timeout.
 *
 * @module
 */

import { check, show } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** Name the check registers at the reference. */
export const PROBE_NAME = "acceptance_probe";

/** Check 1. */
export const referenceCheck: AcceptanceCheck = {
  id: "reference",
  name: "reference answers rank, list and heartbeat",
  timeoutMs: 15_000,
  async run(ctx) {
    const reference = ctx.settings.endpoints.reference;
    const first = await ctx.expect(reference, "rank", { user: PROBE_NAME });
    const rank = first.data.rank;
    check(
      Number.isSafeInteger(rank) && (rank as number) >= 1,
      `"rank" gave ${show(rank)}, want an integer ≥ 1`,
    );
    check(
      typeof first.data.clock === "number" &&
        first.data.clock > first.sent.clock,
      `The "rank" reply's Lamport clock ${
        show(first.data.clock)
      } is not above the request's (${first.sent.clock})`,
    );
    const again = await ctx.expect(reference, "rank", { user: PROBE_NAME });
    check(
      again.data.rank === rank,
      `Asked twice, "rank" gave ${show(rank)} then ${
        show(again.data.rank)
      }: a name must keep its rank`,
    );
    const beat = await ctx.expect(reference, "heartbeat", { user: PROBE_NAME });
    check(
      beat.data.status === undefined || beat.data.status === "OK",
      `"heartbeat" answered status ${show(beat.data.status)}`,
    );
    const list = await ctx.referenceList();
    const mine = list.find((e) => e.name === PROBE_NAME);
    check(
      mine?.rank === rank,
      `Right after its heartbeat, "list" should hold ${PROBE_NAME} with rank ${rank}; it is ${
        show(list)
      }`,
    );
    const ranks = list.map((e) => e.rank);
    check(
      new Set(ranks).size === ranks.length,
      `Two servers share a rank in "list": ${show(list)}`,
    );
    const servers = list.filter((e) => e.name !== PROBE_NAME);
    return `rank ${rank} (stable), heartbeat ok, list has ${servers.length} server(s): ${
      servers.map((e) => `${e.name}#${e.rank}`).join(", ")
    }`;
  },
};
