import { ok, throws } from "node:assert/strict";
import { within } from "./_testing.ts";
import {
  type ReactorStats,
  setSyncWaitUs,
  syncWaitBudgetUs,
} from "./reactor.ts";

const CHILD = new URL("./testdata/sync_wait_child.ts", import.meta.url)
  .pathname;
const ROUND_TRIPS = 300;

async function pingPongStats(
  args: string[],
  env: Record<string, string>,
): Promise<ReactorStats> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, String(ROUND_TRIPS), ...args],
    env,
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
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

for (
  const [how, args, env] of [
    ["AGORA_ZMQ_SYNC_WAIT_US", [], { AGORA_ZMQ_SYNC_WAIT_US: "2000" }],
    ["setSyncWaitUs", ["2000"], { AGORA_ZMQ_SYNC_WAIT_US: "0" }],
  ] as const
) {
  Deno.test(`a synchronous wait never holds back the application's continuations (${how})`, async () => {
    // The reply is sent at the end of a chain of awaits. A wait that started
    // in a microtask, ahead of that chain, could only time out (the peer has
    // nothing to say until the reply goes out): about one miss per round
    // trip. Waiting from a macrotask, once the chain has run, the reply is
    // out and the next message is what the wait sees.
    const stats = await pingPongStats([...args], env);
    ok(
      stats.syncHits >= ROUND_TRIPS,
      `synchronous waits hit: ${stats.syncHits}`,
    );
    // A loaded machine can stretch a few waits past the budget, not most.
    ok(
      stats.syncMisses < ROUND_TRIPS / 10,
      `synchronous waits missed: ${stats.syncMisses} of ${ROUND_TRIPS} round trips`,
    );
    // The same two sockets take turns: their pollfd array is built once or
    // twice, not once per wait (a socket leaves the watch set each time it
    // has no waiter, and building the array cost a few µs per round trip).
    ok(
      stats.syncPollSets <= 4,
      `pollfd arrays built: ${stats.syncPollSets} for ${stats.syncHits} waits`,
    );
  });
}

Deno.test("without a budget every wait is a parked poll", async () => {
  const stats = await pingPongStats([], { AGORA_ZMQ_SYNC_WAIT_US: "0" });
  ok(stats.syncHits === 0 && stats.syncMisses === 0, JSON.stringify(stats));
  ok(stats.parkedPolls >= ROUND_TRIPS, `parked polls: ${stats.parkedPolls}`);
});

Deno.test("setSyncWaitUs refuses a budget that is not a finite number ≥ 0", () => {
  for (const bad of [-1, NaN, Infinity]) {
    throws(() => setSyncWaitUs(bad), RangeError);
  }
  const before = syncWaitBudgetUs();
  setSyncWaitUs(before);
  ok(syncWaitBudgetUs() === before);
});
