import assert from "node:assert/strict";
import { parseLogEvents } from "./server_log.ts";

Deno.test("parseLogEvents keeps the wanted events with their times and skips junk", () => {
  const text = [
    '{"ts":"2026-01-01T00:00:00.000Z","level":"info","svc":"s","event":"listening"}',
    "not json",
    '{"ts":"2026-01-01T00:00:01.500Z","level":"info","svc":"s","event":"other"}',
    '{"ts":"2026-01-01T00:00:02.250Z","level":"info","svc":"s","event":"caught_up","records":7}',
    '{"level":"info","event":"caught_up"}',
    "",
  ].join("\n");
  const events = parseLogEvents(text, ["listening", "caught_up"]);
  assert.deepEqual(events.map((e) => [e.event, e.atMs]), [
    ["listening", Date.UTC(2026, 0, 1)],
    ["caught_up", Date.UTC(2026, 0, 1, 0, 0, 2, 250)],
  ]);
  assert.equal(events[1].fields.records, 7);
});
