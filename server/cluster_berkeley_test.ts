/**
 * Berkeley synchronisation across real processes: servers start with
 * injected physical clock offsets (no drift); after the coordinator's
 * round, their clocks agree within 5 ms. Offsets are read from `status`
 * (the offset from the machine's clock, which all three share). Also: a
 * follower refuses a signed `clock_adjust` replayed from an older round,
 * or beyond the adjustment bound, with an error reply.
 */

import assert from "node:assert/strict";
import { BERKELEY_ADJUST_SECONDS_MAX } from "@agora/shared/berkeley";
import { PeerAuth } from "./peer_auth.ts";
import { type Cluster, startCluster } from "./testing/cluster.ts";
import { waitFor } from "./testing/client.ts";

const OFFSETS_MS: Record<string, number> = {
  server_1: 800,
  server_2: -600,
  server_3: 150,
};
const AGREEMENT_MS = 5;

interface BerkeleyEvent {
  type: string;
  round: number;
  adjustmentsMs: Record<string, number>;
  missing: string[];
}

async function offsetsMs(cluster: Cluster): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.keys(OFFSETS_MS).map(async (name) => [
      name,
      ((await cluster.status(name)).offset as number) * 1000,
    ]),
  );
  return Object.fromEntries(entries);
}

function spread(offsets: Record<string, number>): number {
  const values = Object.values(offsets);
  return Math.max(...values) - Math.min(...values);
}

Deno.test("Berkeley: injected offsets agree within 5 ms after a round", async () => {
  const cluster = await startCluster({
    servers: 3,
    serverArgs: ["--clock-drift-ppm", "0", "--berkeley-interval-ms", "60000"],
    serverArgsFor: Object.fromEntries(
      Object.entries(OFFSETS_MS).map((
        [name, ms],
      ) => [name, [`--clock-offset-ms=${ms}`]]),
    ),
  });
  try {
    // Before any full round the clocks are far apart (a round may already
    // have run with fewer servers, so only the started values are checked).
    const coordinator = await waitFor("a coordinator", async () => {
      const status = await cluster.status("server_3");
      return status.coordinator as string | null;
    });
    assert.equal(coordinator, "server_1");
    const round = await waitFor("a round with all three servers", async () => {
      const events = (await cluster.status("server_1"))
        .events as BerkeleyEvent[];
      return events.filter((e) =>
        e.type === "berkeley" && e.missing.length === 0 &&
        Object.keys(e.adjustmentsMs).length === 3
      ).pop();
    }, 15_000);
    assert.ok(round.round > 0);
    const offsets = await offsetsMs(cluster);
    assert.ok(
      spread(offsets) <= AGREEMENT_MS,
      `offsets after round ${round.round}: ${JSON.stringify(offsets)}`,
    );
    // The common offset is the average of the starting ones, give or take
    // the measurement error: nobody's clock was simply copied.
    const mean = Object.values(offsets).reduce((a, b) => a + b, 0) / 3;
    const expected = (800 - 600 + 150) / 3;
    assert.ok(Math.abs(mean - expected) < 50, `mean offset ${mean} ms`);
  } finally {
    await cluster.stop();
  }
});

Deno.test("Berkeley: a follower refuses a replayed older round and an adjustment beyond the bound", async () => {
  const cluster = await startCluster({
    servers: 2,
    serverArgs: [
      "--clock-drift-ppm",
      "0",
      "--clock-offset-ms",
      "0",
      "--berkeley-interval-ms",
      "60000",
    ],
  });
  try {
    await waitFor("server_2 to follow server_1", async () => {
      const status = await cluster.status("server_2");
      return status.coordinator === "server_1" || undefined;
    });
    const auth = new PeerAuth(cluster.secret);
    let clock = 1_000_000;
    // Signed as server_1 would sign it; rounds far above server_1's own
    // (numbered from its start time in ms), so its rounds cannot interfere.
    const adjust = (adjustSeconds: number, round: number) => {
      const stamp = { timestamp: Date.now() / 1000, clock: clock++ };
      return cluster.client("server_2").call("clock_adjust", {
        adjust: adjustSeconds,
        name: "server_1",
        round,
        ...stamp,
        auth: auth.request("clock_adjust", stamp, [
          adjustSeconds,
          "server_1",
          round,
        ]),
      }, { stamp: false });
    };
    const round = 1e15;
    const first = await adjust(0.25, round);
    assert.equal(first.data.status, "OK", JSON.stringify(first.data));
    const offset = first.data.offset as number;
    // A retry of the same round: OK, not applied twice.
    const retry = await adjust(0.25, round);
    assert.equal(retry.data.status, "OK");
    assert.equal(retry.data.offset, offset);
    // An older round, however fresh its signature: refused.
    const replay = await adjust(0.25, round - 1);
    assert.equal(replay.data.status, "erro");
    assert.match(String(replay.data.description), /older than its last/);
    // Beyond the bound: refused, even in a newer round.
    const huge = await adjust(BERKELEY_ADJUST_SECONDS_MAX + 1, round + 1);
    assert.equal(huge.data.status, "erro");
    assert.match(String(huge.data.description), /exceeds the bound/);
    const status = await cluster.status("server_2");
    assert.equal(status.offset, offset);
  } finally {
    await cluster.stop();
  }
});
