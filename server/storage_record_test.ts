import assert from "node:assert/strict";
import { mulberry32 } from "../shared/testing/prng.ts";
import type { ChatRecord } from "../shared/record.ts";
import { canonicalRecord, RecordDigest, recordJson } from "./storage_record.ts";

const ALPHABET = [
  "a",
  "Z",
  " ",
  '"',
  "\\",
  "\n",
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "\u2028",
  "😀",
  "\ud800", // lone surrogate: canonicalRecord makes it well-formed
  "</script>",
];

function randomText(rand: () => number): string {
  let text = "";
  const length = Math.floor(rand() * 12);
  for (let i = 0; i < length; i++) {
    text += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  }
  return text;
}

function randomRecord(rand: () => number): ChatRecord {
  const t = () => randomText(rand);
  const ops = ["user", "login", "channel", "subscribe", "publish", "message"];
  const op = ops[Math.floor(rand() * ops.length)];
  const data: Record<string, string | null> = {
    user: t(),
    channel: t(),
    message: t(),
    src: t(),
    dst: t(),
  };
  if (op === "channel" && rand() < 0.5) data.user = rand() < 0.5 ? null : "";
  const timestamps = [0, -0, 1.5, -3.25, 1764190000.123456, 1e21, 5e-7];
  return canonicalRecord({
    origin: `s${t()}x`,
    seq: 1 + Math.floor(rand() * 2 ** 40),
    clock: Math.floor(rand() * 2 ** 52),
    timestamp: timestamps[Math.floor(rand() * timestamps.length)],
    op,
    data,
  });
}

Deno.test("recordJson() is the JSON of [origin, seq, clock, timestamp, op, data]", () => {
  const rand = mulberry32(5);
  for (let i = 0; i < 2000; i++) {
    const record = randomRecord(rand);
    const expected = JSON.stringify([
      record.origin,
      record.seq,
      record.clock,
      record.timestamp,
      record.op,
      record.data,
    ]);
    assert.equal(recordJson(record), expected);
    assert.equal(recordJson(record, JSON.stringify(record.data)), expected);
  }
});

Deno.test("RecordDigest sums record hashes: order-free, carried across words, parsed back", () => {
  const rand = mulberry32(9);
  const records = Array.from({ length: 300 }, () => randomRecord(rand));
  const forward = RecordDigest.empty();
  for (const record of records) forward.add(record);
  const backward = RecordDigest.empty();
  for (const record of [...records].reverse()) backward.add(record);
  assert.equal(forward.hex(), backward.hex());
  assert.match(forward.hex(), /^[0-9a-f]{32}$/);
  // The same sum with BigInt arithmetic (checks the carries).
  let sum = 0n;
  for (const record of records) {
    const one = RecordDigest.empty();
    one.add(record);
    sum = (sum + BigInt(`0x${one.hex()}`)) % (1n << 128n);
  }
  assert.equal(forward.hex(), sum.toString(16).padStart(32, "0"));
  // parse() round trip; clone() is independent.
  const parsed = RecordDigest.parse(forward.hex())!;
  assert.equal(parsed.hex(), forward.hex());
  const copy = parsed.clone();
  copy.add(records[0]);
  assert.notEqual(copy.hex(), parsed.hex());
  assert.equal(RecordDigest.parse("xyz"), undefined);
  assert.equal(RecordDigest.parse("0".repeat(64)), undefined);
  assert.equal(RecordDigest.empty().hex(), "0".repeat(32));
});
