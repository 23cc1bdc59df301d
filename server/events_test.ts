import assert from "node:assert/strict";
import { EventRing } from "./events.ts";

Deno.test("the ring numbers events and keeps the newest", () => {
  const ring = new EventRing(2);
  for (const coordinator of ["a", "b", "c"]) {
    ring.push({ type: "election", coordinator, timestamp: 1, clock: 1 });
  }
  assert.equal(ring.lastSeq, 3);
  assert.deepEqual(
    ring.recent().map((
      e,
    ) => [e.seq, (e as { coordinator: string }).coordinator]),
    [[2, "b"], [3, "c"]],
  );
  const copy = ring.recent();
  copy[0].seq = 99;
  assert.equal(ring.recent()[0].seq, 2, "callers get copies");
});
