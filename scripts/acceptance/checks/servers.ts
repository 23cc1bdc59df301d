/**
 * Check 2: every expected server is in the reference's `list` and answers a
 * request on its own endpoint.
 *
 * @module
 */

import { check, show } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";
import { PROBE_NAME } from "./reference.ts";

/** Check 2. */
export const serversCheck: AcceptanceCheck = {
  id: "servers",
  name: "all servers are listed and answering",
  timeoutMs: 20_000,
  async run(ctx) {
    const servers = await ctx.servers();
    const names = Object.keys(servers);
    check(names.length > 0, "No server endpoints were given to the suite");
    // A server that just (re)started may need a heartbeat to be listed.
    const list = await ctx.waitFor(
      "Not every server is in the reference's list",
      8000,
      async () => {
        const list = await ctx.referenceList();
        const missing = names.filter((name) =>
          !list.some((e) => e.name === name || e.address === servers[name])
        );
        if (missing.length > 0) {
          throw new Error(
            `missing ${missing.join(", ")}; list is ${show(list)}`,
          );
        }
        return list;
      },
    );
    const problems: string[] = [];
    await Promise.all(names.map(async (name) => {
      try {
        const reply = await ctx.expect(servers[name], "users", {});
        if (!Array.isArray(reply.data.users)) {
          problems.push(`${name} answered "users" without a list`);
        }
      } catch (error) {
        problems.push(
          `${name} (${servers[name]}): ${(error as Error).message}`,
        );
      }
    }));
    const unknown = list.filter((e) =>
      e.name !== PROBE_NAME && !(e.name in servers) &&
      !Object.values(servers).includes(e.address ?? "")
    );
    check(problems.length === 0, `Not answering: ${problems.join("; ")}`);
    return `${names.length} servers listed and answering${
      unknown.length > 0
        ? ` (the reference also lists ${unknown.map((e) => e.name).join(", ")})`
        : ""
    }`;
  },
};
