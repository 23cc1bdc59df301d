import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import {
  decodeEnvelope,
  decodeTopic,
  decodeValue,
  encodeEnvelope,
  encodePublicationFrames,
  encodeValue,
  floatSeconds,
  isWireMap,
} from "./envelope.ts";

Deno.test("encodeEnvelope() and decodeEnvelope() round-trip", () => {
  const envelope = {
    service: "login",
    data: { user: "ana", timestamp: 1764190000.25, clock: 3 },
  };
  assert.deepEqual(decodeEnvelope(encodeEnvelope(envelope)), {
    ok: true,
    value: envelope,
  });
});

Deno.test("encodeValue() leaves undefined properties out", () => {
  assert.deepEqual(decodeValue(encodeValue({ a: 1, b: undefined })), {
    ok: true,
    value: { a: 1 },
  });
});

Deno.test("decodeEnvelope() reads a missing or nil data as an empty map", () => {
  assert.deepEqual(decodeEnvelope(encode({ service: "users" })), {
    ok: true,
    value: { service: "users", data: {} },
  });
  assert.deepEqual(decodeEnvelope(encode({ service: "users", data: null })), {
    ok: true,
    value: { service: "users", data: {} },
  });
});

Deno.test("decodeEnvelope() explains what is wrong", () => {
  const cases: [unknown, RegExp][] = [
    ["not bytes", /must be bytes/],
    [new Uint8Array(0), /empty/],
    [new Uint8Array([0xc1]), /not valid MessagePack/],
    [encode([1, 2]), /must be a MessagePack map/],
    [encode("login"), /must be a MessagePack map/],
    [encode(null), /must be a MessagePack map/],
    [encode(new Uint8Array(3)), /must be a MessagePack map/],
    [encode({ data: {} }), /"service" must be a non-empty string/],
    [encode({ service: "", data: {} }), /"service" must be a non-empty string/],
    [encode({ service: 7, data: {} }), /"service" must be a non-empty string/],
    [encode({ service: "login", data: [] }), /"data" must be a map/],
    [encode({ service: "login", data: "x" }), /"data" must be a map/],
    [
      encode({ service: "login", data: new Uint8Array(1) }),
      /"data" must be a map/,
    ],
  ];
  for (const [frame, pattern] of cases) {
    const result = decodeEnvelope(frame);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.description, pattern);
  }
});

Deno.test("decodeEnvelope() refuses frames above the size limit before decoding", () => {
  const frame = encode({ service: "login", data: { user: "x".repeat(100) } });
  const result = decodeEnvelope(frame, 50);
  assert.deepEqual(result, {
    ok: false,
    description:
      `The frame is too large (${frame.length} bytes; the limit is 50).`,
  });
});

Deno.test("decodeEnvelope() ignores inherited properties", () => {
  // "service" and "data" must be own keys; toString etc. are not fields.
  const result = decodeEnvelope(encode({ data: {} }));
  assert.equal(result.ok, false);
  const decoded = decodeEnvelope(
    encode({ service: "users", data: { constructor: 1 } }),
  );
  assert.equal(decoded.ok, true);
  if (decoded.ok) {
    assert.equal(Object.getPrototypeOf(decoded.value.data), Object.prototype);
  }
});

Deno.test("isWireMap() accepts only maps", () => {
  assert.equal(isWireMap({}), true);
  assert.equal(isWireMap([]), false);
  assert.equal(isWireMap(null), false);
  assert.equal(isWireMap(new Uint8Array(0)), false);
  assert.equal(isWireMap("x"), false);
});

Deno.test("encodePublicationFrames() makes a UTF-8 topic and a MessagePack payload", () => {
  const [topic, payload] = encodePublicationFrames("canal ç", {
    message: "oi",
  });
  assert.equal(new TextDecoder().decode(topic), "canal ç");
  assert.deepEqual(decodeValue(payload), {
    ok: true,
    value: { message: "oi" },
  });
});

Deno.test("decodeTopic() checks UTF-8 and the Names rules", () => {
  assert.deepEqual(decodeTopic(new TextEncoder().encode("geral")), {
    ok: true,
    value: "geral",
  });
  assert.deepEqual(decodeTopic(new Uint8Array([0xff])), {
    ok: false,
    description: "The topic must be valid UTF-8.",
  });
  assert.equal(decodeTopic(new Uint8Array(0)).ok, false);
  assert.equal(decodeTopic(new Uint8Array(65).fill(0x61)).ok, false);
  assert.equal(decodeTopic(new TextEncoder().encode(" x")).ok, false);
  assert.equal(decodeTopic("geral").ok, false);
});

Deno.test("floatSeconds() makes a whole-second timestamp travel as a float", () => {
  const whole = 1_790_000_000;
  // As is, MessagePack writes it as an integer (uint32, 0xce).
  assert.equal(encodeValue(whole)[0], 0xce);
  const t = floatSeconds(whole);
  assert.equal(encodeValue(t)[0], 0xcb); // float64
  assert.ok(t > whole && t - whole < 1e-6);
  assert.equal(floatSeconds(whole + 0.5), whole + 0.5);
  assert.equal(floatSeconds(0), 2 ** -22);
});
