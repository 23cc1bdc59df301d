import assert from "node:assert/strict";
import {
  isReservedTopic,
  MAX_NAME_BYTES,
  RESERVED_TOPICS,
  validateName,
  validateNewName,
} from "./names.ts";

Deno.test("validateName() accepts ordinary names", () => {
  for (
    const name of [
      "ana",
      "Lu",
      "server_1",
      "canal geral",
      "日本",
      "😀",
      "a".repeat(64),
    ]
  ) {
    assert.equal(validateName(name, "user"), undefined, name);
  }
});

Deno.test("validateName() counts the limit in UTF-8 bytes", () => {
  assert.equal(validateName("é".repeat(32), "user"), undefined); // 64 bytes
  assert.match(
    validateName("é".repeat(33), "user")!,
    /at most 64 bytes.*got 66/,
  );
  assert.match(
    validateName("a".repeat(MAX_NAME_BYTES + 1), "user")!,
    /at most 64/,
  );
  assert.equal(validateName("😀".repeat(16), "user"), undefined); // 64 bytes
  assert.match(validateName("😀".repeat(17), "user")!, /at most 64/);
});

Deno.test("validateName() rejects non-strings and empty strings", () => {
  assert.equal(validateName(5, "user"), 'The field "user" must be a string.');
  assert.equal(
    validateName(null, "channel"),
    'The field "channel" must be a string.',
  );
  assert.equal(
    validateName(new Uint8Array([97]), "user"),
    'The field "user" must be a string.',
  );
  assert.equal(validateName("", "user"), 'The field "user" must not be empty.');
});

Deno.test("validateName() rejects control characters", () => {
  for (
    const name of ["a\nb", "\u0000", "a\tb", "x\u007f", "x\u0085y", "\u009f"]
  ) {
    assert.match(
      validateName(name, "user")!,
      /control characters/,
      JSON.stringify(name),
    );
  }
});

Deno.test("validateName() rejects leading or trailing whitespace", () => {
  for (const name of [" ana", "ana ", "\u00a0ana", "ana\u3000", " "]) {
    assert.match(
      validateName(name, "user")!,
      /start or end with whitespace/,
      JSON.stringify(name),
    );
  }
  assert.equal(validateName("ana maria", "user"), undefined);
});

Deno.test("validateName() rejects lone surrogates", () => {
  assert.match(validateName("a\ud800", "user")!, /valid Unicode/);
  assert.match(validateName("\udc00a", "user")!, /valid Unicode/);
});

Deno.test("the reserved topics are servers and replication", () => {
  assert.deepEqual([...RESERVED_TOPICS], ["servers", "replication"]);
  assert.equal(isReservedTopic("servers"), true);
  assert.equal(isReservedTopic("replication"), true);
  assert.equal(isReservedTopic("Servers"), false);
  assert.equal(
    validateNewName("replication", "channel"),
    'The name "replication" is reserved.',
  );
  assert.equal(validateNewName("ana", "user"), undefined);
  assert.match(validateNewName("", "user")!, /empty/);
});
