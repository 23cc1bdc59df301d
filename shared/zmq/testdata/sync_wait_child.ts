/**
 * Child for sync_wait_test.ts: a REQ/REP ping-pong in one process whose
 * reply comes at the end of a chain of awaits, as in a real server (receive,
 * parse, handle, store, reply). Prints the reactor's counters as JSON once the
 * round trips are done. Synchronous waits come from `AGORA_ZMQ_SYNC_WAIT_US`,
 * or with a BUDGET_US argument from `setSyncWaitUs` (as the chat server sets
 * them).
 *
 * usage: deno run -A sync_wait_child.ts ROUND_TRIPS [BUDGET_US]
 */

import { reactorStats, Reply, Request, setSyncWaitUs } from "../mod.ts";

const roundTrips = Number(Deno.args[0] ?? 300);
if (Deno.args[1] !== undefined) setSyncWaitUs(Number(Deno.args[1]));
const rep = new Reply({ linger: 0 });
await rep.bind("tcp://127.0.0.1:*");
const req = new Request({ linger: 0 });
req.connect(rep.lastEndpoint!);

/** Each level is an async call awaited by the one above: several microtask hops. */
async function handle(
  frames: Uint8Array[],
  depth: number,
): Promise<Uint8Array[]> {
  if (depth === 0) return frames;
  await Promise.resolve();
  return await handle(frames, depth - 1);
}

const serving = (async () => {
  for (let i = 0; i < roundTrips; i++) {
    const request = await rep.receive();
    await rep.send(await handle(request, 20));
  }
})();
const payload = new Uint8Array(100);
for (let i = 0; i < roundTrips; i++) {
  await req.send([payload]);
  await req.receive();
}
await serving;
req.close();
rep.close();
console.log(JSON.stringify(reactorStats()));
