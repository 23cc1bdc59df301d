import assert from "node:assert/strict";
import { BatchView } from "./batch_view.ts";
import { Committer } from "./committer.ts";
import { DurableLamport } from "./durable_lamport.ts";
import { PeerAuth } from "./peer_auth.ts";
import { Store } from "./storage.ts";

Deno.test("a reservation is saved before any stamp passes it", () => {
  const saved: number[] = [];
  const clock = new DurableLamport(0, (c) => saved.push(c), undefined, 10);
  assert.equal(clock.tick(), 1);
  assert.deepEqual(saved, [11]);
  for (let i = 0; i < 9; i++) clock.tick();
  assert.equal(clock.value, 10);
  assert.deepEqual(saved, [11], "no write while under the reservation");
  clock.tick();
  clock.tick();
  assert.deepEqual(saved, [11, 22]);
  clock.receive(1000);
  assert.equal(clock.value, 1001);
  assert.equal(clock.tick(), 1002);
  assert.deepEqual(saved, [11, 22, 1012]);
  assert.equal(clock.reserved, 1012);
});

Deno.test("restarting from the reservation never goes backwards", () => {
  let saved = 0;
  const before = new DurableLamport(0, (c) => saved = c, undefined, 100);
  let highest = 0;
  for (let i = 0; i < 250; i++) highest = before.tick();
  const after = new DurableLamport(saved, (c) => saved = c, undefined, 100);
  assert.ok(after.tick() > highest);
});

Deno.test("a failed save does not fail the tick and is retried", () => {
  let fail = true;
  const errors: unknown[] = [];
  const saved: number[] = [];
  const clock = new DurableLamport(
    5,
    (c) => {
      if (fail) throw new Error("disk full");
      saved.push(c);
    },
    (e) => errors.push(e),
    10,
  );
  assert.equal(clock.tick(), 6);
  assert.equal(errors.length, 1);
  assert.equal(clock.reserved, 5);
  fail = false;
  assert.equal(clock.tick(), 7);
  assert.deepEqual(saved, [17]);
});

Deno.test("the restart floor covers clocks merged since the last reservation", () => {
  const clock = new DurableLamport(0, () => {}, undefined, 10);
  clock.tick();
  assert.equal(clock.restartFloor, 11, "the reservation while above the value");
  clock.receiveUntrusted(500);
  assert.equal(clock.reserved, 11, "a merge saves nothing");
  assert.equal(clock.restartFloor, 501);
  let failing = true;
  const unsaved = new DurableLamport(
    0,
    () => {
      if (failing) throw new Error("disk full");
    },
    () => {},
    10,
  );
  unsaved.tick();
  unsaved.tick();
  assert.equal(unsaved.reserved, 0, "no reservation was saved");
  assert.equal(unsaved.restartFloor, 2, "the stamps that passed it count");
  failing = false;
});

Deno.test("a restart after storing peers' records never starts the clock below them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "agora_lamport_" });
  // The storage wiring of ChatServer: reservations saved to the store, and
  // every batch stored with the restart floor.
  const open = () => {
    const store = Store.open(dir);
    const lamport = new DurableLamport(
      store.loadClock(),
      (c) => store.saveClock(c),
    );
    const committer = new Committer({
      store,
      view: new BatchView(store),
      auth: new PeerAuth("k"),
      restartClock: () => lamport.restartFloor,
      stamp: () => ({ timestamp: 1, clock: lamport.tick() }),
    });
    return { store, lamport, committer };
  };
  try {
    const before = open();
    before.committer.stageLocal([{
      origin: "server_1",
      seq: 1,
      clock: before.lamport.tick(),
      timestamp: 1,
      op: "user",
      data: { user: "ana" },
    }]);
    assert.ok(before.committer.commit().ok);
    // A busy peer's records, merged (as the replicator does) and stored with
    // no tick after them; then the process dies.
    const peers = [500_000, 500_001].map((clock, i) => ({
      origin: "server_2",
      seq: i + 1,
      clock,
      timestamp: 2,
      op: "user" as const,
      data: { user: `bob${i}` },
    }));
    for (const record of peers) before.lamport.receiveUntrusted(record.clock);
    before.committer.stageReplicated(peers);
    assert.ok(before.committer.commit().ok);
    const seen = before.lamport.value;
    before.store.close();

    const after = open();
    try {
      assert.ok(
        after.lamport.value >= seen,
        `the clock went back across the restart: ${seen} -> ${after.lamport.value}`,
      );
      assert.ok(after.lamport.tick() > 500_001);
    } finally {
      after.store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
