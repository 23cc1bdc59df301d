import { deepStrictEqual, equal } from "node:assert/strict";
import type { ChatRecord } from "./record.ts";
import { ReplicaState } from "./replication.ts";

function rec(origin: string, seq: number): ChatRecord {
  return {
    origin,
    seq,
    clock: seq,
    timestamp: 1_764_190_000 + seq,
    op: "login",
    data: { user: `u${seq}` },
  };
}

function ids(records: readonly ChatRecord[]): string[] {
  return records.map((r) => `${r.origin}:${r.seq}`);
}

Deno.test("ReplicaState: nextLocal numbers this server's records 1, 2, 3", () => {
  const replica = new ReplicaState({ self: "s1" });
  const first = replica.nextLocal("user", { user: "ana" }, 4, 1_764_190_000.5);
  deepStrictEqual(first, {
    origin: "s1",
    seq: 1,
    clock: 4,
    timestamp: 1_764_190_000.5,
    op: "user",
    data: { user: "ana" },
  });
  equal(replica.nextLocal("login", { user: "ana" }, 5, 0).seq, 2);
  deepStrictEqual(replica.vector, { s1: 2 });
});

Deno.test("ReplicaState: continues from the vector found in storage", () => {
  const replica = new ReplicaState({ self: "s1", vector: { s1: 41, s2: 7 } });
  equal(replica.nextLocal("login", { user: "a" }, 1, 0).seq, 42);
  equal(replica.held("s2"), 7);
  equal(replica.held("s9"), 0);
});

Deno.test("ReplicaState: in-order records are persisted at once", () => {
  const replica = new ReplicaState({ self: "s1" });
  const result = replica.applyIncoming([
    rec("s2", 1),
    rec("s2", 2),
    rec("s3", 1),
  ]);
  deepStrictEqual(ids(result.persist), ["s2:1", "s2:2", "s3:1"]);
  deepStrictEqual(result.gaps, []);
  deepStrictEqual(replica.vector, { s2: 2, s3: 1 });
});

Deno.test("ReplicaState: records after a gap wait, then come out contiguous", () => {
  const replica = new ReplicaState({ self: "s1" });
  const early = replica.applyIncoming([rec("s2", 3), rec("s2", 2)]);
  deepStrictEqual(early.persist, []);
  deepStrictEqual(early.gaps, [{ origin: "s2", after: 0 }]);
  equal(replica.bufferedCount, 2);
  const filled = replica.applyIncoming([rec("s2", 1)]);
  deepStrictEqual(ids(filled.persist), ["s2:1", "s2:2", "s2:3"]);
  deepStrictEqual(filled.gaps, []);
  equal(replica.bufferedCount, 0);
  equal(replica.held("s2"), 3);
});

Deno.test("ReplicaState: duplicates (held or buffered) change nothing", () => {
  const replica = new ReplicaState({ self: "s1" });
  replica.applyIncoming([rec("s2", 1), rec("s2", 3)]);
  const again = replica.applyIncoming([
    rec("s2", 1),
    rec("s2", 3),
    rec("s2", 1),
  ]);
  deepStrictEqual(again.persist, []);
  equal(again.duplicates, 3);
  equal(replica.bufferedCount, 1);
});

Deno.test("ReplicaState: records without a valid origin or sequence are counted, not kept", () => {
  const replica = new ReplicaState({ self: "s1" });
  const bad = [
    { ...rec("s2", 1), seq: 0 },
    { ...rec("s2", 1), seq: 1.5 },
    { ...rec("s2", 1), origin: "" },
    null,
  ] as unknown as ChatRecord[];
  const result = replica.applyIncoming(bad);
  equal(result.invalid, 4);
  deepStrictEqual(replica.vector, {});
});

Deno.test("ReplicaState: the out-of-order buffer is bounded", () => {
  const replica = new ReplicaState({ self: "s1", bufferMax: 3 });
  const result = replica.applyIncoming(
    [5, 6, 7, 8, 9].map((s) => rec("s2", s)),
  );
  equal(result.dropped, 2);
  equal(replica.bufferedCount, 3);
  // Contiguous records are always taken, even with a full buffer.
  const filled = replica.applyIncoming([1, 2, 3, 4].map((s) => rec("s2", s)));
  deepStrictEqual(ids(filled.persist), [
    "s2:1",
    "s2:2",
    "s2:3",
    "s2:4",
    "s2:5",
    "s2:6",
    "s2:7",
  ]);
  equal(replica.held("s2"), 7);
});

Deno.test("ReplicaState: any arrival order and repetition persists each record once, contiguously", () => {
  const all = [
    ...[1, 2, 3, 4, 5, 6].map((s) => rec("a", s)),
    ...[1, 2, 3].map((s) => rec("b", s)),
  ];
  // A fixed shuffle with repeats.
  const order = [8, 3, 0, 5, 3, 7, 1, 6, 2, 8, 4, 0];
  const replica = new ReplicaState({ self: "s1" });
  const persisted: ChatRecord[] = [];
  for (const i of order) {
    persisted.push(...replica.applyIncoming([all[i]]).persist);
  }
  deepStrictEqual(ids(persisted.filter((r) => r.origin === "a")), [
    "a:1",
    "a:2",
    "a:3",
    "a:4",
    "a:5",
    "a:6",
  ]);
  deepStrictEqual(ids(persisted.filter((r) => r.origin === "b")), [
    "b:1",
    "b:2",
    "b:3",
  ]);
  deepStrictEqual(replica.vector, { a: 6, b: 3 });
});
