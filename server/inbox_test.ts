import assert from "node:assert/strict";
import { Pair } from "@agora/shared/zmq";
import { Inbox } from "./inbox.ts";

let next = 0;

async function pair(): Promise<[Pair, Pair]> {
  const endpoint = `inproc://inbox-test-${next++}`;
  const a = new Pair({ linger: 0 });
  await a.bind(endpoint);
  const b = new Pair({ linger: 0 });
  b.connect(endpoint);
  return [a, b];
}

Deno.test("take() returns what is queued now, without waiting", async () => {
  const [a, b] = await pair();
  try {
    let ready = 0;
    const inbox = new Inbox(a, () => ready++);
    assert.deepEqual(await inbox.take(10), [], "nothing queued");
    for (const word of ["1", "2", "3"]) await b.send(word);
    // The pending receive from the empty take() gets the first message.
    await waitUntil(() => inbox.ready);
    assert.equal(ready, 1);
    const taken = await inbox.take(2);
    assert.deepEqual(taken.map((f) => new TextDecoder().decode(f[0])), [
      "1",
      "2",
    ]);
    const rest = await inbox.take(10);
    assert.deepEqual(rest.map((f) => new TextDecoder().decode(f[0])), ["3"]);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("arm() reports the next message; closing ends the inbox", async () => {
  const [a, b] = await pair();
  let ready = 0;
  const inbox = new Inbox(a, () => ready++);
  inbox.arm();
  await b.send("x");
  await waitUntil(() => ready === 1);
  assert.ok(inbox.ready);
  assert.equal((await inbox.take(5)).length, 1);
  a.close();
  b.close();
  await waitUntil(() => inbox.closed);
  assert.deepEqual(await inbox.take(5), []);
});

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = performance.now() + 2000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("Timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
