import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { Prng } from "./prng.ts";
import { type Delivery, SimNetwork } from "./sim_network.ts";

function drain<M>(net: SimNetwork<M>): Delivery<M>[] {
  const out: Delivery<M>[] = [];
  for (let due = net.nextDueMs(); due !== undefined; due = net.nextDueMs()) {
    out.push(...net.deliverDue(due));
  }
  return out;
}

Deno.test("SimNetwork: delivers within the delay bounds, in time order", () => {
  const net = new SimNetwork<number>(new Prng(1), {
    delayMsMin: 2,
    delayMsMax: 4,
  });
  for (let i = 0; i < 50; i++) net.send(10, "a", "b", i);
  equal(net.deliverDue(11.9).length, 0);
  const out = drain(net);
  equal(out.length, 50);
  ok(out.every((d) => d.atMs >= 12 && d.atMs <= 14 && d.sentAtMs === 10));
  ok(out.every((d, i) => i === 0 || out[i - 1].atMs <= d.atMs));
});

Deno.test("SimNetwork: the same seed makes the same faults", () => {
  const run = () => {
    const net = new SimNetwork<number>(new Prng(5), {
      lossRate: 0.2,
      duplicateRate: 0.2,
      reorderRate: 0.3,
    });
    for (let i = 0; i < 200; i++) net.send(i, "a", "b", i);
    return drain(net).map((d) => [d.message, d.atMs]);
  };
  deepStrictEqual(run(), run());
});

Deno.test("SimNetwork: loses, duplicates and reorders at about the configured rates", () => {
  const net = new SimNetwork<number>(new Prng(3), {
    lossRate: 0.1,
    duplicateRate: 0.1,
    reorderRate: 0.2,
  });
  const count = 2_000;
  for (let i = 0; i < count; i++) net.send(i * 10, "a", "b", i);
  const out = drain(net).map((d) => d.message);
  const { lost, duplicated, delivered } = net.stats;
  ok(Math.abs(lost / count - 0.1) < 0.03, `lost ${lost}`);
  ok(Math.abs(duplicated / count - 0.1) < 0.03, `duplicated ${duplicated}`);
  equal(delivered, out.length);
  const inversions = out.filter((m, i) => i > 0 && m < out[i - 1]).length;
  ok(inversions > 0, "some messages were overtaken");
});

Deno.test("SimNetwork: partitions cut links between groups until healed", () => {
  const net = new SimNetwork<string>(new Prng(2));
  net.partition([["a", "b"], ["c"]]);
  ok(net.partitioned);
  net.send(0, "a", "b", "same side");
  net.send(0, "a", "c", "across");
  net.send(0, "d", "a", "outsider");
  deepStrictEqual(drain(net).map((d) => d.message), ["same side"]);
  // In flight when the partition starts: lost.
  net.heal();
  net.send(10, "a", "c", "in flight");
  net.partition([["a"], ["c"]]);
  deepStrictEqual(drain(net), []);
  net.heal();
  net.send(20, "a", "c", "healed");
  deepStrictEqual(drain(net).map((d) => d.message), ["healed"]);
  equal(net.stats.cut, 3);
});

Deno.test("SimNetwork: a down node neither sends nor receives; up again it does", () => {
  const net = new SimNetwork<string>(new Prng(4));
  net.send(0, "a", "b", "queued before the crash");
  net.setDown("b");
  net.send(0, "a", "b", "to the dead");
  net.send(0, "b", "a", "from the dead");
  deepStrictEqual(drain(net), []);
  net.setUp("b");
  net.send(1, "a", "b", "after restart");
  net.send(1, "b", "b", "to itself");
  deepStrictEqual(drain(net).map((d) => d.message).sort(), [
    "after restart",
    "to itself",
  ]);
});

Deno.test("SimNetwork: the number of messages in flight is bounded", () => {
  const net = new SimNetwork<number>(new Prng(6), { inFlightMax: 10 });
  for (let i = 0; i < 15; i++) net.send(0, "a", "b", i);
  equal(net.inFlight, 10);
  equal(net.stats.cut, 5);
});
