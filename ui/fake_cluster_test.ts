import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { ClusterEvent, PrivateMessage } from "./cluster.ts";
import { ClusterError } from "./cluster_error.ts";
import { FakeCluster } from "./fake_cluster.ts";

function fixedClock(): () => number {
  return () => 1_764_190_000_000;
}

Deno.test("FakeCluster delivers private messages only on the recipient's topic", async () => {
  const cluster = new FakeCluster({ now: fixedClock() });
  const [ana, bob, eve] = await Promise.all(
    ["ana", "bob", "eve"].map((user) => cluster.login(user)),
  );
  const seen: Record<string, PrivateMessage[]> = { ana: [], bob: [], eve: [] };
  for (const session of [ana, bob, eve]) {
    await session.subscribePrivate((m) => seen[session.user].push(m));
  }
  const sent = await ana.sendPrivate("bob", "hi bob");
  deepStrictEqual(seen.bob, [sent]);
  deepStrictEqual(seen.ana, []);
  deepStrictEqual(seen.eve, []);
  deepStrictEqual(await eve.privateHistory("ana"), []);
  deepStrictEqual((await bob.privateHistory("ana")).map((m) => m.message), [
    "hi bob",
  ]);
  await Promise.all([ana, bob, eve].map((s) => s.close()));
});

Deno.test("FakeCluster keeps users and channels apart and validates names", async () => {
  const cluster = new FakeCluster({ now: fixedClock() });
  const ana = await cluster.login("ana");
  await rejects(ana.createChannel("ana"), {
    message: 'Name "ana" is taken by a user',
  });
  await ana.createChannel("general");
  await rejects(cluster.login("general"), {
    message: 'Name "general" is taken by a channel',
  });
  await rejects(
    cluster.login("replication"),
    (error) => error instanceof ClusterError && error.code === "rejected",
  );
  await rejects(ana.publish("general", ""), { message: "Message is empty" });
  await rejects(ana.subscribe("nowhere", () => {}), {
    message: 'Unknown channel "nowhere"',
  });
});

Deno.test("FakeCluster pages history oldest first before a message id", async () => {
  const cluster = new FakeCluster({ now: fixedClock() });
  const ana = await cluster.login("ana");
  await ana.createChannel("c");
  for (let i = 1; i <= 5; i++) await ana.publish("c", `m${i}`);
  const last = await ana.history("c", { limit: 2 });
  deepStrictEqual(last.map((m) => m.message), ["m4", "m5"]);
  const before = await ana.history("c", { limit: 10, before: last[0].id });
  deepStrictEqual(before.map((m) => m.message), ["m1", "m2", "m3"]);
  ok(before.every((m, i) => i === 0 || m.clock > before[i - 1].clock));
  await rejects(ana.history("c", { before: "nope:1" }), {
    message: 'Unknown message id "nope:1"',
  });
});

Deno.test("FakeCluster re-elects, catches up and takes back coordination", async () => {
  const cluster = new FakeCluster({ now: fixedClock() });
  const events: ClusterEvent[] = [];
  const feed = cluster.events((event) => events.push(event));
  const ana = await cluster.login("ana");
  await ana.createChannel("c");

  cluster.stopServer("server_1");
  equal(cluster.coordinator, "server_2");
  await ana.publish("c", "while server_1 was down");
  let status = await cluster.status();
  deepStrictEqual(status.reference.map((r) => r.name), [
    "server_2",
    "server_3",
  ]);
  equal(status.servers[0].alive, false);
  equal(status.servers[0].counts, null);
  ok(status.servers[1].coordinator);

  cluster.startServer("server_1");
  equal(cluster.coordinator, "server_1");
  status = await cluster.status();
  ok(status.servers.every((s) => s.replication?.lagRecords === 0));
  deepStrictEqual(
    status.servers.map((s) => s.counts?.messages),
    [1, 1, 1],
  );
  deepStrictEqual(events.map((e) => e.type), [
    "server_down",
    "election",
    "server_up",
    "catch_up",
    "election",
  ]);
  const catchUp = events[3];
  ok(catchUp.type === "catch_up" && catchUp.records === 1);
  feed.close();
  await ana.close();
});

Deno.test("FakeCluster is unavailable with every server down", async () => {
  const cluster = new FakeCluster({ servers: ["only"], now: fixedClock() });
  cluster.stopServer("only");
  equal(cluster.coordinator, null);
  await rejects(
    cluster.login("ana"),
    (error) => error instanceof ClusterError && error.code === "unavailable",
  );
});

Deno.test("FakeCluster Berkeley rounds bring drifting clocks together", async () => {
  const cluster = new FakeCluster({ now: fixedClock(), seed: 7 });
  const events: ClusterEvent[] = [];
  cluster.events((event) => events.push(event));
  cluster.setClockSkew("server_1", 30);
  cluster.setClockSkew("server_3", -12);
  for (let i = 0; i < 5; i++) cluster.tick();
  const spread = async () => {
    const offsets = (await cluster.status()).servers.map((s) =>
      s.clockOffsetMs ?? 0
    );
    return Math.max(...offsets) - Math.min(...offsets);
  };
  ok(await spread() > 20);
  cluster.berkeleySync();
  ok(await spread() < 0.5);
  equal(events.at(-1)?.type, "berkeley");
});

Deno.test("FakeCluster.runTests() reports each test and a summary", async () => {
  let nowMs = 0;
  const cluster = new FakeCluster({ now: () => (nowMs += 5) });
  cluster.stopServer("server_3");
  const results: string[] = [];
  const summary = await cluster.runTests((r) => results.push(r.name));
  equal(summary.total, results.length);
  equal(summary.passed, summary.total - 1);
  const failed = summary.tests["every known server is alive"];
  equal(failed.passed, false);
  equal(failed.message, "Not answering: server_3");
  ok(failed.duration > 0, "duration comes from the injected clock");
  ok(summary.duration > 0);

  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await rejects(cluster.runTests(() => {}, controller.signal), {
    message: "stop",
  });
});
