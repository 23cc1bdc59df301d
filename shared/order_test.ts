import assert from "node:assert/strict";
import {
  compareCodePoints,
  compareOrder,
  type OrderKey,
  orderKeyString,
  parseOrderKeyString,
} from "./order.ts";

function byBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

Deno.test("compareOrder() orders by clock, then server, then seq", () => {
  const keys: OrderKey[] = [
    { clock: 2, server: "a", seq: 1 },
    { clock: 1, server: "b", seq: 1 },
    { clock: 1, server: "a", seq: 9 },
    { clock: 1, server: "a", seq: 2 },
    { clock: 10, server: "a", seq: 1 },
  ];
  assert.deepEqual([...keys].sort(compareOrder), [
    { clock: 1, server: "a", seq: 2 },
    { clock: 1, server: "a", seq: 9 },
    { clock: 1, server: "b", seq: 1 },
    { clock: 2, server: "a", seq: 1 },
    { clock: 10, server: "a", seq: 1 },
  ]);
  assert.equal(compareOrder(keys[0], { ...keys[0] }), 0);
});

Deno.test("compareCodePoints() is UTF-8 byte order", () => {
  const names = [
    "a",
    "ab",
    "a b",
    "b",
    "é",
    "\uffff",
    "\u{10000}",
    "😀",
    "\ue000",
    "Z",
    "",
  ];
  for (const a of names) {
    for (const b of names) {
      assert.equal(
        Math.sign(compareCodePoints(a, b)),
        Math.sign(byBytes(a, b)),
        `${a} vs ${b}`,
      );
    }
  }
});

Deno.test("orderKeyString() sorts like compareOrder()", () => {
  const servers = ["s", "s1", "s 1", "s10", "é", "\uffff", "😀"];
  const keys: OrderKey[] = [];
  for (const clock of [0, 1, 9, 10, 123456789012]) {
    for (const server of servers) {
      for (const seq of [1, 2, 10, Number.MAX_SAFE_INTEGER]) {
        keys.push({ clock, server, seq });
      }
    }
  }
  const byKey = [...keys].sort(compareOrder);
  const byString = [...keys].sort((a, b) =>
    compareCodePoints(orderKeyString(a), orderKeyString(b))
  );
  assert.deepEqual(byString, byKey);
});

Deno.test("orderKeyString() has a documented, reversible format", () => {
  const key = { clock: 42, server: "server_1", seq: 7 };
  assert.equal(
    orderKeyString(key),
    "0000000000000042\u001fserver_1\u001f0000000000000007",
  );
  assert.deepEqual(parseOrderKeyString(orderKeyString(key)), key);
  assert.equal(parseOrderKeyString("42:server_1:7"), undefined);
  assert.equal(
    parseOrderKeyString("000000000000004x\u001fs\u001f0000000000000007"),
    undefined,
  );
});

Deno.test("orderKeyString() refuses numbers it cannot pad", () => {
  assert.throws(
    () => orderKeyString({ clock: -1, server: "s", seq: 1 }),
    RangeError,
  );
  assert.throws(
    () => orderKeyString({ clock: 1, server: "s", seq: 1.5 }),
    RangeError,
  );
});
