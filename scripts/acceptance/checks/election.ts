/**
 * Check 4: exactly one coordinator, the live server with the lowest rank,
 * agreed by every server (their signed `status`); with `disruptive`, the
 * coordinator is stopped, the others must agree on the next one, and once
 * it is back they must agree again.
 *
 * Servers may refuse `status` without the cluster secret; without one, and
 * if they do, the check reads the coordinator's announcements on topic
 * `servers` (repeated every 500 ms) instead, which shows who claims the
 * role but not that every server agrees — the result says so.
 *
 * @module
 */

import { check, show } from "../context.ts";
import type { CheckContext } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** How long servers get to agree after a change. */
const AGREE_MS = 25_000;

/** Check 4. */
export const electionCheck: AcceptanceCheck = {
  id: "election",
  name: "one coordinator agreed by all servers, re-elected after a failure",
  timeoutMs: 90_000,
  async run(ctx) {
    const servers = await ctx.servers();
    const names = Object.keys(servers);
    const first = await agreedCoordinator(ctx, servers, AGREE_MS);
    if (!ctx.settings.disruptive) {
      return {
        message:
          `${first.coordinator} ${first.how}; re-election not exercised (not disruptive)`,
        partial: true,
      };
    }
    const control = ctx.settings.control;
    check(
      control !== undefined,
      "Disruptive run without a way to stop servers",
    );
    check(
      names.length >= 2,
      "Re-election needs at least two servers",
    );
    const old = first.coordinator;
    check(
      old in servers,
      `The coordinator "${old}" is not a server under test`,
    );
    await control.stop(old);
    let second: Agreement;
    try {
      const rest = Object.fromEntries(
        Object.entries(servers).filter(([n]) => n !== old),
      );
      second = await agreedCoordinator(ctx, rest, AGREE_MS, old);
    } finally {
      await control.start(old);
    }
    const third = await agreedCoordinator(ctx, servers, AGREE_MS);
    return `${old} ${first.how}; with ${old} stopped, ${second.coordinator} ${second.how}; after its restart ${third.coordinator} ${third.how}`;
  },
};

/** Who the servers agree on, and how that was established. */
export interface Agreement {
  /** The coordinator's name. */
  coordinator: string;
  /** "agreed by …" / "announced on servers …". */
  how: string;
}

/**
 * Waits until every server in `servers` names the same coordinator, which
 * must be the listed server with the lowest rank (and not `gone`).
 */
export async function agreedCoordinator(
  ctx: CheckContext,
  servers: Record<string, string>,
  timeoutMs: number,
  gone?: string,
): Promise<Agreement> {
  if (
    ctx.settings.secret === undefined && !(await _statusOpen(ctx, servers))
  ) {
    return await _announced(ctx, servers, timeoutMs, gone);
  }
  return await ctx.waitFor(
    `The servers do not agree on the lowest-rank live server as coordinator${
      gone === undefined ? "" : ` after "${gone}" stopped`
    }`,
    timeoutMs,
    async () => {
      const views = await Promise.all(
        Object.entries(servers).map(async ([name, endpoint]) => {
          const reply = await ctx.expect(endpoint, "status", {});
          return { name, coordinator: reply.data.coordinator };
        }),
      );
      const expected = await _expected(ctx, servers, gone);
      const wrong = views.filter((v) => v.coordinator !== expected);
      if (wrong.length > 0) {
        throw new Error(
          `expected ${expected}; ${
            views.map((v) => `${v.name} → ${show(v.coordinator)}`).join(", ")
          }`,
        );
      }
      return {
        coordinator: expected,
        how: `agreed by ${views.map((v) => v.name).join(", ")}`,
      };
    },
  );
}

/** Whether servers answer `status` without the cluster secret. */
async function _statusOpen(
  ctx: CheckContext,
  servers: Record<string, string>,
): Promise<boolean> {
  for (const endpoint of Object.values(servers)) {
    try {
      return (await ctx.call(endpoint, "status", {})).service === "status";
    } catch {
      // Try the next server.
    }
  }
  return false;
}

/** The listed server under test with the lowest rank. */
async function _expected(
  ctx: CheckContext,
  servers: Record<string, string>,
  gone: string | undefined,
): Promise<string> {
  const list = await ctx.referenceList();
  const live = list.filter((e) =>
    e.name !== gone &&
    (e.name in servers || Object.values(servers).includes(e.address ?? ""))
  ).sort((a, b) => a.rank - b.rank);
  if (live.length === 0) {
    throw new Error(`no server under test is listed: ${show(list)}`);
  }
  return live[0].name;
}

async function _announced(
  ctx: CheckContext,
  servers: Record<string, string>,
  timeoutMs: number,
  gone: string | undefined,
): Promise<Agreement> {
  const feed = ctx.feed(["servers"]);
  try {
    return await ctx.waitFor(
      "No single coordinator is announced on topic servers",
      timeoutMs,
      async () => {
        const expected = await _expected(ctx, servers, gone);
        // Announcements repeat every 500 ms: look at the last 1.5 s.
        const since = Date.now() - 1500;
        const recent = feed.received.filter((r) => r.receivedAtMs >= since);
        const names = new Set(
          recent.map((r) =>
            (r.payload.data as Record<string, unknown>)
              ?.coordinator
          ),
        );
        if (recent.length < 2 || names.size !== 1 || !names.has(expected)) {
          throw new Error(
            `expected ${expected}; recent announcements name ${
              show([...names])
            }`,
          );
        }
        return {
          coordinator: expected,
          how:
            "announced on topic servers (no cluster secret: the servers' own views were not asked)",
        };
      },
    );
  } finally {
    await feed.close();
  }
}
