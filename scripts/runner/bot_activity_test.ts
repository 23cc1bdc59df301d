import assert from "node:assert/strict";
import { botActivity, readTail } from "./bot_activity.ts";

const NOW_MS = Date.parse("2026-11-27T04:00:00.000Z");

function line(event: string, ts: string, extra = {}): string {
  return JSON.stringify({ ts, level: "info", svc: "bot_1", event, ...extra });
}

Deno.test("a bot whose last message was acknowledged recently is ok", () => {
  const tail = [
    line("published", "2026-11-27T03:59:50.000Z", { sent: 41 }),
    line("published", "2026-11-27T03:59:58.000Z", { sent: 42 }),
    line("batch_started", "2026-11-27T03:59:59.500Z"),
  ].join("\n") + "\n";
  assert.deepEqual(botActivity(tail, NOW_MS), {
    health: "ok",
    detail: "last message 2 s ago, 42 sent",
  });
});

Deno.test("a bot that has not published for longer than the threshold is quiet", () => {
  const tail = [
    line("published", "2026-11-27T03:58:00.000Z", { sent: 7 }),
    line("publish_failed", "2026-11-27T03:59:59.000Z"),
  ].join("\n");
  assert.deepEqual(botActivity(tail, NOW_MS), {
    health: "quiet",
    detail: "last message 2 min ago, 7 sent",
  });
  assert.equal(botActivity(tail, NOW_MS, 180_000).health, "ok");
});

Deno.test("a torn first line, other events and garbage are skipped", () => {
  const tail = [
    'shed":"published","ts":"2026-11-27T03:59:59.000Z"}',
    "not json at all, published",
    line("published", "not a date"),
    JSON.stringify({ event: "published" }),
  ].join("\n");
  assert.deepEqual(botActivity(tail, NOW_MS), {
    health: "quiet",
    detail: "no message acknowledged yet",
  });
  assert.equal(botActivity("", NOW_MS).health, "quiet");
});

Deno.test("readTail returns the end of a file, or nothing for a missing one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bot.jsonl`;
    await Deno.writeTextFile(path, "a".repeat(100) + "\nlast line\n");
    assert.equal(await readTail(path, 10), "last line\n");
    assert.equal((await readTail(path, 1000)).length, 111);
    assert.equal(await readTail(`${dir}/missing.jsonl`, 10), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
