import { ok } from "node:assert/strict";
import { within } from "./_testing.ts";
import type { ReactorStats } from "./reactor.ts";

const CHILD = new URL("./testdata/sync_wait_child.ts", import.meta.url)
  .pathname;
const ROUND_TRIPS = 300;

Deno.test("a synchronous wait never holds back the application's continuations", async () => {
  // The reply is sent at the end of a chain of awaits. A wait that started
  // in a microtask, ahead of that chain, could only time out (the peer has
  // nothing to say until the reply goes out): about one miss per round trip.
  // Waiting from a macrotask, once the chain has run, the reply is out and
  // the next message is what the wait sees.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, String(ROUND_TRIPS)],
    env: { AGORA_ZMQ_SYNC_WAIT_US: "2000" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let output: Deno.CommandOutput;
  try {
    output = await within(child.output(), 30_000, "the ping-pong child");
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
  ok(output.success, "the child exits cleanly");
  const stats: ReactorStats = JSON.parse(
    new TextDecoder().decode(output.stdout),
  );
  ok(stats.syncHits >= ROUND_TRIPS, `synchronous waits hit: ${stats.syncHits}`);
  // A loaded machine can stretch a few waits past the budget, not most.
  ok(
    stats.syncMisses < ROUND_TRIPS / 10,
    `synchronous waits missed: ${stats.syncMisses} of ${ROUND_TRIPS} round trips`,
  );
});
