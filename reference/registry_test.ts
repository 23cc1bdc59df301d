import assert from "node:assert/strict";
import { Registry } from "./registry.ts";

const opts = { heartbeatTimeoutMs: 3000 };

Deno.test("rank() hands out 1, 2, 3 in registration order and is stable", () => {
  const r = new Registry(opts);
  assert.equal(r.rank("server_1", 0), 1);
  assert.equal(r.rank("server_2", 0), 2);
  assert.equal(r.rank("server_1", 10), 1);
  assert.equal(r.rank("server_3", 10), 3);
});

Deno.test("list() drops a server whose heartbeat is older than the timeout", () => {
  const r = new Registry(opts);
  r.rank("a", 0, "tcp://h:1");
  r.rank("b", 0);
  r.heartbeat("a", 2500);
  assert.deepEqual(r.list(3000).map((e) => e.name), ["a", "b"]);
  assert.deepEqual(r.list(3001), [{
    name: "a",
    rank: 1,
    address: "tcp://h:1",
  }]);
  assert.deepEqual(r.list(6000), []);
});

Deno.test("a snapshot restores every rank and new names get fresh ranks", () => {
  const r = new Registry(opts);
  r.rank("a", 0);
  r.rank("b", 0);
  r.rank("c", 0);
  assert.equal(r.dirty, true);
  const snap = r.snapshot();
  assert.equal(r.dirty, false);
  const restored = new Registry(opts, JSON.parse(JSON.stringify(snap)));
  assert.deepEqual(restored.list(0), [], "nobody is live before a heartbeat");
  assert.equal(
    restored.heartbeat("b", 1),
    2,
    "heartbeat re-registers with the old rank",
  );
  assert.equal(restored.rank("d", 1), 4);
  assert.equal(restored.rank("a", 1), 1);
});

Deno.test("an address change marks the table dirty; a repeat does not", () => {
  const r = new Registry(opts);
  r.rank("a", 0, "tcp://x:1");
  r.snapshot();
  r.heartbeat("a", 1, "tcp://x:1");
  assert.equal(r.dirty, false);
  r.heartbeat("a", 2, "tcp://x:2");
  assert.equal(r.dirty, true);
});

Deno.test("a snapshot with bad ranks is ignored entry by entry", () => {
  const r = new Registry(opts, {
    servers: [{ name: "a", rank: -1 }, { name: "b", rank: 5 }],
  });
  assert.equal(r.rank("b", 0), 5);
  assert.equal(r.rank("a", 0), 6);
});

Deno.test("peer_address is stored like address, replaced when it changes, and absent when never given", () => {
  const r = new Registry(opts);
  r.rank("a", 0, "tcp://x:1", "tcp://x:2");
  r.rank("b", 0, "tcp://y:1");
  r.snapshot();
  r.heartbeat("a", 1, "tcp://x:1", "tcp://x:2");
  assert.equal(r.dirty, false);
  r.heartbeat("a", 2, "tcp://x:1", "tcp://x:3");
  assert.equal(r.dirty, true);
  assert.deepEqual(r.list(2), [
    { name: "a", rank: 1, address: "tcp://x:1", peer_address: "tcp://x:3" },
    { name: "b", rank: 2, address: "tcp://y:1" },
  ]);
  const restored = new Registry(opts, {
    servers: [
      { name: "a", rank: 1, peer_address: 7 as unknown as string },
      ...r.snapshot().servers.slice(1),
    ],
  });
  assert.deepEqual(restored.all()[0], { name: "a", rank: 1 });
});
