import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import { checkMsgpack } from "./msgpack_check.ts";

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

function nested(depth: number): Uint8Array {
  // depth single-element arrays around a 0: 0x91 0x91 ... 0x00
  return new Uint8Array([...new Array(depth).fill(0x91), 0x00]);
}

Deno.test("checkMsgpack() accepts every ordinary type", () => {
  const value = {
    s: "olá",
    long: "x".repeat(70000),
    n: [
      0,
      -1,
      127,
      128,
      255,
      65536,
      -129,
      -40000,
      2 ** 40,
      -(2 ** 40),
      1.5,
      -0.25,
    ],
    b: [true, false, null],
    bin: new Uint8Array([1, 2, 3]),
    big: new Uint8Array(300),
    nested: { a: { b: [{}, []] } },
    max: Number.MAX_SAFE_INTEGER,
    min: Number.MIN_SAFE_INTEGER,
  };
  assert.equal(checkMsgpack(encode(value), 16), undefined);
});

Deno.test("checkMsgpack() rejects empty and truncated frames", () => {
  assert.equal(checkMsgpack(bytes(), 16), "The frame is empty.");
  const whole = encode({ service: "login", data: { user: "ana" } });
  for (let end = 1; end < whole.length; end++) {
    assert.match(
      checkMsgpack(whole.subarray(0, end), 16)!,
      /ends early/,
      `cut at ${end}`,
    );
  }
});

Deno.test("checkMsgpack() rejects trailing bytes", () => {
  assert.match(checkMsgpack(bytes(0x80, 0x00), 16)!, /1 unexpected byte/);
});

Deno.test("checkMsgpack() rejects the never-used byte 0xc1", () => {
  assert.match(checkMsgpack(bytes(0xc1), 16)!, /0xc1 at 0 is not a type/);
});

Deno.test("checkMsgpack() rejects extension types, including timestamps", () => {
  assert.match(checkMsgpack(bytes(0xd4, 0x01, 0x00), 16)!, /extension/);
  assert.match(checkMsgpack(encode(new Date(0)), 16)!, /extension/);
  assert.match(checkMsgpack(bytes(0xc7, 0x00, 0x05), 16)!, /extension/);
});

Deno.test("checkMsgpack() rejects 64-bit integers beyond 2^53 - 1", () => {
  // uint64 2^53 - 1 and int64 -(2^53 - 1) are fine.
  assert.equal(
    checkMsgpack(bytes(0xcf, 0, 0x1f, 255, 255, 255, 255, 255, 255), 16),
    undefined,
  );
  assert.equal(
    checkMsgpack(bytes(0xd3, 255, 0xe0, 0, 0, 0, 0, 0, 1), 16),
    undefined,
  );
  // uint64 2^53, int64 2^53, int64 -2^53, uint64 max.
  for (
    const frame of [
      bytes(0xcf, 0, 0x20, 0, 0, 0, 0, 0, 0),
      bytes(0xd3, 0, 0x20, 0, 0, 0, 0, 0, 0),
      bytes(0xd3, 255, 0xe0, 0, 0, 0, 0, 0, 0),
      bytes(0xcf, 255, 255, 255, 255, 255, 255, 255, 255),
    ]
  ) {
    assert.match(checkMsgpack(frame, 16)!, /within ±\(2\^53 − 1\)/);
  }
});

Deno.test("checkMsgpack() rejects malformed UTF-8 in values and keys", () => {
  assert.match(checkMsgpack(bytes(0xa1, 0xff), 16)!, /valid UTF-8/);
  assert.match(
    checkMsgpack(bytes(0x81, 0xa2, 0xc0, 0xaf, 0x00), 16)!,
    /valid UTF-8/,
  );
  assert.match(checkMsgpack(bytes(0xd9, 0x01, 0x80), 16)!, /valid UTF-8/);
});

Deno.test("checkMsgpack() rejects non-string map keys", () => {
  assert.match(
    checkMsgpack(bytes(0x81, 0x01, 0xa1, 0x61), 16)!,
    /Map keys must be strings/,
  );
  assert.match(
    checkMsgpack(bytes(0x81, 0xc0, 0x00), 16)!,
    /Map keys must be strings/,
  );
  assert.match(
    checkMsgpack(bytes(0x81, 0x80, 0x00), 16)!,
    /Map keys must be strings/,
  );
  assert.match(
    checkMsgpack(bytes(0x81, 0xc4, 0x01, 0x61, 0x00), 16)!,
    /Map keys must be strings/,
  );
});

Deno.test("checkMsgpack() rejects a __proto__ key at any depth", () => {
  const proto = [0xa9, ...new TextEncoder().encode("__proto__")];
  assert.match(checkMsgpack(bytes(0x81, ...proto, 0x80), 16)!, /__proto__/);
  assert.match(
    checkMsgpack(bytes(0x81, 0xa1, 0x61, 0x81, ...proto, 0x01), 16)!,
    /__proto__/,
  );
  // As a value it is just text.
  assert.equal(checkMsgpack(bytes(0x81, 0xa1, 0x61, ...proto), 16), undefined);
});

Deno.test("checkMsgpack() limits nesting depth", () => {
  assert.equal(checkMsgpack(nested(16), 16), undefined);
  assert.match(checkMsgpack(nested(17), 16)!, /nested more than 16 deep/);
  // Far deeper than any stack: still a clean answer.
  assert.match(checkMsgpack(nested(100000), 16)!, /nested more than 16 deep/);
  // Empty containers do not count: they hold nothing deeper.
  assert.equal(
    checkMsgpack(bytes(...new Array(16).fill(0x91), 0x90), 16),
    undefined,
  );
});

Deno.test("checkMsgpack() refuses headers that claim more elements than bytes", () => {
  assert.match(
    checkMsgpack(bytes(0xdd, 255, 255, 255, 255), 16)!,
    /ends early/,
  );
  assert.match(
    checkMsgpack(bytes(0xdf, 255, 255, 255, 255, 0, 0), 16)!,
    /ends early/,
  );
  assert.match(
    checkMsgpack(bytes(0xdb, 255, 255, 255, 255, 0x61), 16)!,
    /ends early/,
  );
  assert.match(
    checkMsgpack(bytes(0xc6, 255, 255, 255, 255, 0x61), 16)!,
    /ends early/,
  );
});
