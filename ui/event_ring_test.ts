import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { EventRing } from "./event_ring.ts";

Deno.test("EventRing.readAfter() returns events newer than the cursor", () => {
  const ring = new EventRing<string>(10);
  ring.push("a");
  ring.push("b");
  ring.push("c");
  assertEquals(ring.readAfter(1), {
    items: [{ seq: 2, value: "b" }, { seq: 3, value: "c" }],
    missed: false,
  });
  assertEquals(ring.readAfter(3), { items: [], missed: false });
});

Deno.test("EventRing drops the oldest events and reports them missed", () => {
  const ring = new EventRing<number>(2);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assertEquals(ring.readAfter(0), {
    items: [{ seq: 4, value: 4 }, { seq: 5, value: 5 }],
    missed: true,
  });
  assertEquals(ring.readAfter(3).missed, false);
  assertEquals(ring.readAfter(4).items, [{ seq: 5, value: 5 }]);
});

Deno.test("EventRing treats a cursor ahead of the ring as missed", () => {
  const ring = new EventRing<string>(4);
  ring.push("a");
  assertEquals(ring.readAfter(9), {
    items: [{ seq: 1, value: "a" }],
    missed: true,
  });
});

Deno.test("EventRing.waitAfter() resolves on push, close and abort", async () => {
  const ring = new EventRing<string>(4);
  const onPush = ring.waitAfter(0);
  ring.push("a");
  await onPush;
  assertEquals(ring.lastSeq, 1);

  const controller = new AbortController();
  const onAbort = ring.waitAfter(1, controller.signal);
  controller.abort();
  await onAbort;

  const onClose = ring.waitAfter(1);
  ring.close();
  await onClose;
  assertEquals(ring.push("ignored"), 1);
  await ring.waitAfter(1); // closed rings never block
});

Deno.test("EventRing rejects a capacity below one", () => {
  throws(() => new EventRing(0), {
    name: "RangeError",
    message: "Ring capacity must be a positive integer, got 0",
  });
});
