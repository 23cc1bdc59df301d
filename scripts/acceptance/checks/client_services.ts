/**
 * Check 3: each server answers the client services itself (`login`,
 * `users`, `channel`, `channels`, `publish`, `message`, `history`), with the
 * protocol's statuses, and refuses bad requests with a reason.
 *
 * @module
 */

import { check, show } from "../context.ts";
import type { CheckContext } from "../context.ts";
import type { AcceptanceCheck } from "../types.ts";

/** Check 3. */
export const clientServicesCheck: AcceptanceCheck = {
  id: "client_services",
  name: "every server answers the client services",
  timeoutMs: 30_000,
  async run(ctx) {
    const servers = await ctx.servers();
    const entries = Object.entries(servers);
    check(entries.length > 0, "No server endpoints were given to the suite");
    const failures: string[] = [];
    for (const [index, [name, endpoint]] of entries.entries()) {
      try {
        await _exercise(ctx, endpoint, index + 1);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    check(failures.length === 0, failures.join("; "));
    return `login, users, channel, channels, publish, message and history answered by ${
      entries.map(([n]) => n).join(", ")
    }`;
  },
};

async function _exercise(
  ctx: CheckContext,
  endpoint: string,
  index: number,
): Promise<void> {
  const user = ctx.name(`u${index}`);
  const peer = ctx.name(`p${index}`);
  const channel = ctx.name(`c${index}`);
  const text = `acceptance ${ctx.settings.runId} via server ${index}`;

  await ctx.expect(endpoint, "login", { user }, ["sucesso"]);
  await ctx.expect(endpoint, "login", { user: peer }, ["sucesso"]);
  const bad = await ctx.call(endpoint, "login", { user: "" });
  check(
    String(bad.data.status) === "erro" &&
      typeof bad.data.description === "string",
    `"login" with an empty name was not refused with a description: ${
      show(bad.data)
    }`,
  );
  const users = (await ctx.expect(endpoint, "users", {})).data.users;
  check(
    Array.isArray(users) && users.includes(user) && users.includes(peer),
    `"users" lacks ${user} or ${peer} right after their login: ${show(users)}`,
  );

  await ctx.expect(endpoint, "channel", { channel, user }, ["sucesso"]);
  const again = await ctx.call(endpoint, "channel", { channel });
  check(
    String(again.data.status) === "erro",
    `Creating "${channel}" twice was not refused: ${show(again.data)}`,
  );
  const channels = (await ctx.expect(endpoint, "channels", {})).data.channels;
  check(
    Array.isArray(channels) && channels.includes(channel),
    `"channels" lacks "${channel}" right after it was created: ${
      show(channels)
    }`,
  );

  await ctx.expect(endpoint, "publish", { user, channel, message: text }, [
    "OK",
  ]);
  const unknown = await ctx.call(endpoint, "publish", {
    user,
    channel: ctx.name(`none${index}`),
    message: text,
  });
  check(
    String(unknown.data.status) === "erro" &&
      typeof unknown.data.message === "string" &&
      typeof unknown.data.description === "string",
    `"publish" to a missing channel was not refused with "message" and "description": ${
      show(unknown.data)
    }`,
  );
  await ctx.expect(endpoint, "message", {
    src: user,
    dst: peer,
    message: `${text} (private)`,
  }, ["OK"]);

  const history = await ctx.expect(endpoint, "history", { channel }, [
    "sucesso",
  ]);
  const messages = history.data.messages;
  check(
    Array.isArray(messages) &&
      messages.some((m) =>
        m?.message === text && m?.user === user && m?.channel === channel &&
        typeof m?.id === "string" && typeof m?.clock === "number"
      ),
    `"history" of "${channel}" lacks the message just published: ${
      show(messages)
    }`,
  );
}
