import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ClusterSim, type ClusterSimOptions } from "./cluster_sim.ts";

/**
 * Fixed seeds; `AGORA_SIM_SEEDS=1-200` (or `5,9`) explores others. A failure
 * names the seed to rerun with.
 */
const SEEDS = seedsFromEnv() ?? [1, 2, 3, 4];
const LOSSY = { lossRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 };

/** Runs a scenario for each seed; a failure names its seed. */
function forSeeds(
  seeds: readonly number[],
  options: Omit<ClusterSimOptions, "seed">,
  scenario: (sim: ClusterSim) => void,
): void {
  for (const seed of seeds) {
    const sim = new ClusterSim({ ...options, seed });
    try {
      scenario(sim);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Cluster simulation failed with seed=${seed} at t=${
          sim.nowMs.toFixed(1)
        }ms (rerun with this seed): ${message}`,
        { cause: error },
      );
    }
  }
}

function seedsFromEnv(): number[] | undefined {
  const text = Deno.env.get("AGORA_SIM_SEEDS");
  if (!text) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const [first, last] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }
  return text.split(",").map(Number).filter(Number.isInteger);
}

/** Every running server holds the same view (not just the same vector). */
function assertViewsEqual(sim: ClusterSim): void {
  const views = [...sim.viewsJson().values()];
  ok(views.length > 0);
  ok(views.every((view) => view === views[0]), "materialised views differ");
}

Deno.test("cluster sim: a killed coordinator is replaced everywhere within 3 s", () => {
  // Even seeds without client traffic: detection then relies on the lease
  // alone, not on failed `clock` requests.
  forSeeds(SEEDS, { servers: 4 }, (sim) => {
    sim.setWritesPerSecond(sim.seed % 2 === 0 ? 0 : 20);
    sim.runFor(3_000 + sim.seed * 137);
    const old = sim.agreedCoordinator();
    equal(old, "server_1");
    sim.kill("server_1");
    const tookMs = sim.runUntil(
      () => sim.agreedCoordinator() === "server_2",
      3_000,
    );
    ok(tookMs !== undefined, `no agreement within 3 s: ${sim.coordinators()}`);
    // And it stays that way.
    sim.runFor(2_000);
    equal(sim.agreedCoordinator(), "server_2");
  });
});

Deno.test("cluster sim: a returning lower-rank server takes over cleanly", () => {
  forSeeds(SEEDS, { servers: 3, network: LOSSY }, (sim) => {
    sim.runFor(2_000);
    sim.kill("server_1");
    ok(
      sim.runUntil(() => sim.agreedCoordinator() === "server_2", 4_000) !==
        undefined,
    );
    sim.runFor(1_000);
    sim.restart("server_1");
    const tookMs = sim.runUntil(
      () => sim.agreedCoordinator() === "server_1",
      3_000,
    );
    ok(
      tookMs !== undefined,
      `server_1 did not take over: ${sim.coordinators()}`,
    );
    // Lost announcements may cause a brief, harmless election; whatever
    // happens, server_1 stays the one everybody comes back to.
    sim.runFor(2_000);
    ok(
      sim.runUntil(() => sim.agreedCoordinator() === "server_1", 1_000) !==
        undefined,
    );
  });
});

Deno.test("cluster sim: after a partition heals there is one coordinator and one state", () => {
  forSeeds(SEEDS, { servers: 5 }, (sim) => {
    sim.runFor(1_500);
    sim.partition([["server_1", "server_2"], [
      "server_3",
      "server_4",
      "server_5",
    ]]);
    sim.runFor(5_000);
    // Each side elected its own coordinator and kept accepting writes.
    deepStrictEqual(sim.coordinators().sort(), ["server_1", "server_3"]);
    ok(!sim.converged());
    sim.heal();
    ok(
      sim.runUntil(() => sim.agreedCoordinator() === "server_1", 2_000) !==
        undefined,
    );
    sim.setWritesPerSecond(0);
    ok(
      sim.runUntil(() => sim.converged(), 10_000) !== undefined,
      "no convergence",
    );
    assertViewsEqual(sim);
  });
});

Deno.test("cluster sim: lost, duplicated and reordered replication converges by catch-up", () => {
  forSeeds(SEEDS, {
    servers: 3,
    writesPerSecond: 40,
    network: { lossRate: 0.2, duplicateRate: 0.2, reorderRate: 0.3 },
  }, (sim) => {
    sim.runFor(6_000);
    const { lost, duplicated } = sim.network.stats;
    ok(lost > 100 && duplicated > 100, "the network did misbehave");
    sim.setWritesPerSecond(0);
    // With one message in five lost, a chain of retries can take a while.
    ok(
      sim.runUntil(() => sim.converged(), 30_000) !== undefined,
      "no convergence",
    );
    assertViewsEqual(sim);
    const held = sim.alive()[0].storage.all().length;
    equal(held, sim.writes, "every write reached every server");
  });
});

Deno.test("cluster sim: a brand-new server receives the full state", () => {
  forSeeds(SEEDS, {
    servers: 3,
    writesPerSecond: 50,
    node: { pageLimit: 20 },
  }, (sim) => {
    sim.runFor(4_000);
    const added = sim.addServer();
    sim.setWritesPerSecond(0);
    ok(
      sim.runUntil(() => sim.converged(), 10_000) !== undefined,
      "no convergence",
    );
    equal(sim.node(added)?.storage.all().length, sim.writes);
    assertViewsEqual(sim);
  });
});

Deno.test("cluster sim: after a Berkeley round all clocks agree within 5 ms", () => {
  // Clocks start up to ±1 s apart and drift up to ±100 ppm; the per-round
  // invariant checks every adjustment, this checks the whole cluster.
  forSeeds(SEEDS, { servers: 4, writesPerSecond: 0 }, (sim) => {
    ok(sim.clockSpreadMs() > 5, "clocks start apart");
    const tookMs = sim.runUntil(() => sim.clockSpreadMs() <= 5, 2_000);
    ok(tookMs !== undefined, `spread ${sim.clockSpreadMs()} ms`);
    // Periodic rounds keep them together despite drift.
    for (let i = 0; i < 6; i++) {
      sim.runFor(1_000);
      ok(sim.clockSpreadMs() <= 5, `spread ${sim.clockSpreadMs()} ms`);
    }
  });
});

Deno.test("cluster sim: a reference restart does not disturb the coordinator", () => {
  forSeeds(SEEDS, { servers: 4 }, (sim) => {
    sim.runFor(2_000);
    const elections = sim.alive().map((n) => n.election.electionsStarted);
    sim.restartReference();
    sim.runFor(3_000);
    equal(sim.agreedCoordinator(), "server_1");
    deepStrictEqual(
      sim.alive().map((n) => n.election.electionsStarted),
      elections,
    );
  });
});

Deno.test("cluster sim: a seed replays the same run", () => {
  const run = () => {
    const sim = new ClusterSim({ seed: 11, servers: 3, network: LOSSY });
    sim.runFor(2_000);
    sim.kill("server_1");
    sim.runFor(2_000);
    return [sim.writes, sim.network.stats, sim.clockSpreadMs(), [
      ...sim.viewsJson(),
    ]];
  };
  deepStrictEqual(run(), run());
});
