import assert from "node:assert/strict";
import { lagSamples } from "./replication_lag.ts";

Deno.test("lagSamples takes the latest replica's first poll holding each seq", () => {
  const writes = [
    { seq: 1, sentMs: 0, ackMs: 2 },
    { seq: 2, sentMs: 1, ackMs: 4 },
  ];
  const replicaA = [{ atMs: 3, held: 0 }, { atMs: 5, held: 1 }, {
    atMs: 7,
    held: 2,
  }];
  const replicaB = [{ atMs: 4, held: 2 }];
  assert.deepEqual(lagSamples(writes, [replicaA, replicaB]), {
    fromSendMs: [5, 6],
    fromAckMs: [3, 3],
    unseen: 0,
  });
});

Deno.test("lagSamples counts writes a replica never showed", () => {
  const writes = [{ seq: 1, sentMs: 0, ackMs: 1 }, {
    seq: 3,
    sentMs: 0,
    ackMs: 1,
  }];
  const result = lagSamples(writes, [[{ atMs: 1, held: 2 }]]);
  assert.deepEqual(result, { fromSendMs: [1], fromAckMs: [0], unseen: 1 });
});

Deno.test("lagSamples reports a replica seen holding a write before its ack as negative", () => {
  const result = lagSamples([{ seq: 1, sentMs: 0, ackMs: 10 }], [[{
    atMs: 8,
    held: 1,
  }]]);
  assert.deepEqual(result.fromAckMs, [-2]);
});
