import assert from "node:assert/strict";
import { equalBytes, OwnPublications } from "./own_publications.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("an echo of a remembered payload is ours, once", () => {
  const own = new OwnPublications();
  own.remember(bytes(1, 2, 3));
  assert.equal(own.takeOwn(bytes(1, 2, 3)), true);
  assert.equal(own.takeOwn(bytes(1, 2, 3)), false);
});

Deno.test("a payload differing in one byte or in length is not ours", () => {
  const own = new OwnPublications();
  own.remember(bytes(1, 2, 3));
  assert.equal(own.takeOwn(bytes(1, 2, 4)), false);
  assert.equal(own.takeOwn(bytes(1, 2)), false);
  assert.equal(own.size, 1);
});

Deno.test("a match forgets older payloads lost on the way", () => {
  const own = new OwnPublications();
  own.remember(bytes(1));
  own.remember(bytes(2));
  own.remember(bytes(3));
  assert.equal(own.takeOwn(bytes(2)), true);
  assert.equal(own.size, 1);
  assert.equal(own.takeOwn(bytes(1)), false);
  assert.equal(own.takeOwn(bytes(3)), true);
});

Deno.test("at most max payloads are remembered, oldest dropped", () => {
  const own = new OwnPublications(2);
  own.remember(bytes(1));
  own.remember(bytes(2));
  own.remember(bytes(3));
  assert.equal(own.size, 2);
  assert.equal(own.takeOwn(bytes(1)), false);
  assert.equal(own.takeOwn(bytes(3)), true);
});

Deno.test("equalBytes compares contents", () => {
  assert.equal(equalBytes(bytes(), bytes()), true);
  assert.equal(equalBytes(bytes(7, 8), bytes(7, 8)), true);
  assert.equal(equalBytes(bytes(7, 8), bytes(8, 7)), false);
});
