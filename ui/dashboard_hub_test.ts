import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { waitFor } from "@agora/shared/client/testing";
import type {
  ChatSession,
  Cluster,
  ClusterEvent,
  ClusterStatus,
  Subscription,
  TestSummary,
} from "./cluster.ts";
import { DashboardHub, type DashboardHubOptions } from "./dashboard_hub.ts";

/** A cluster whose events the test emits by hand, counting status polls. */
class StubCluster implements Cluster {
  statusCalls = 0;
  readonly #listeners = new Set<(event: ClusterEvent) => void>();

  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  emit(event: ClusterEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }

  login(): Promise<ChatSession> {
    return Promise.reject(new Error("not in this test"));
  }

  status(): Promise<ClusterStatus> {
    this.statusCalls += 1;
    return Promise.resolve({
      timestamp: this.statusCalls,
      referenceAlive: true,
      reference: [],
      coordinator: null,
      servers: [],
    });
  }

  events(onEvent: (event: ClusterEvent) => void): Subscription {
    const listener = (event: ClusterEvent) => onEvent(event);
    this.#listeners.add(listener);
    return { close: () => this.#listeners.delete(listener) };
  }

  runTests(): Promise<TestSummary> {
    return Promise.reject(new Error("not in this test"));
  }
}

const OPTIONS: DashboardHubOptions = {
  statusIntervalMs: 60_000,
  eventsKept: 10,
  samplesKept: 10,
  queueItems: 50,
};

function down(server: string, timestamp: number): ClusterEvent {
  return { type: "server_down", server, timestamp };
}

Deno.test("the hub keeps events in the order they happened, not the order they arrived", () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, OPTIONS);
  const detach = hub.attach();
  try {
    // One poll reports an up at the poll's time and, after it, a catch-up
    // the server logged two seconds earlier.
    cluster.emit({ type: "server_up", server: "server_1", timestamp: 102 });
    cluster.emit({
      type: "catch_up",
      server: "server_1",
      from: "server_2",
      records: 75,
      timestamp: 100,
    });
    cluster.emit(down("server_3", 101));
    deepStrictEqual(hub.recentEvents.map((e) => [e.timestamp, e.id]), [
      [100, 2],
      [101, 3],
      [102, 1],
    ]);
  } finally {
    detach();
    hub.close();
  }
});

Deno.test("the hub keeps the oldest events out when full", () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, { ...OPTIONS, eventsKept: 2 });
  const detach = hub.attach();
  try {
    cluster.emit(down("a", 3));
    cluster.emit(down("b", 1));
    cluster.emit(down("c", 2));
    deepStrictEqual(hub.recentEvents.map((e) => e.timestamp), [2, 3]);
    // Older than everything kept: neither kept nor streamed.
    const before = hub.ring.lastSeq;
    cluster.emit(down("d", 0.5));
    equal(hub.ring.lastSeq, before);
  } finally {
    detach();
    hub.close();
  }
});

Deno.test("frequent sync rounds do not push rarer events out of the hub", () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, { ...OPTIONS, eventsKept: 5 });
  const detach = hub.attach();
  try {
    cluster.emit({
      type: "election",
      coordinator: "server_2",
      clock: 7,
      timestamp: 1,
    });
    cluster.emit(down("server_1", 1.5));
    for (let second = 2; second <= 40; second++) {
      cluster.emit({
        type: "berkeley",
        coordinator: "server_2",
        adjustmentsMs: { server_2: 0 },
        timestamp: second,
      });
    }
    deepStrictEqual(hub.recentEvents.map((e) => [e.type, e.timestamp]), [
      ["election", 1],
      ["server_down", 1.5],
      ["berkeley", 38],
      ["berkeley", 39],
      ["berkeley", 40],
    ]);
    // A late sync round older than everything kept: neither kept nor
    // streamed, and it uses no id.
    const before = hub.ring.lastSeq;
    cluster.emit({
      type: "berkeley",
      coordinator: "server_2",
      adjustmentsMs: {},
      timestamp: 0.5,
    });
    equal(hub.ring.lastSeq, before);
    // A late election is rarer than the sync rounds: kept, streamed, and
    // numbered next.
    const lastId = Math.max(...hub.recentEvents.map((e) => e.id));
    cluster.emit({
      type: "election",
      coordinator: "server_3",
      clock: 3,
      timestamp: 0.25,
    });
    equal(hub.ring.lastSeq, before + 1);
    deepStrictEqual(hub.recentEvents.map((e) => [e.type, e.timestamp]), [
      ["election", 0.25],
      ["election", 1],
      ["server_down", 1.5],
      ["berkeley", 39],
      ["berkeley", 40],
    ]);
    equal(hub.recentEvents[0].id, lastId + 1);
  } finally {
    detach();
    hub.close();
  }
});

Deno.test("an event delivered twice is kept and streamed once", () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, OPTIONS);
  const detach = hub.attach();
  try {
    const event: ClusterEvent = {
      type: "catch_up",
      server: "server_1",
      from: "server_2",
      records: 75,
      timestamp: 100.25,
    };
    cluster.emit(event);
    cluster.emit({ ...event });
    equal(hub.recentEvents.length, 1);
    const streamed = hub.ring.readAfter(0).items.filter((i) =>
      i.value.type === "event"
    );
    equal(streamed.length, 1);
  } finally {
    detach();
    hub.close();
  }
});

Deno.test("with an idle interval the hub watches while nobody does, until closed", async () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, { ...OPTIONS, idleIntervalMs: 10 });
  equal(cluster.listening, false, "nothing before watch()");
  hub.watch();
  try {
    ok(cluster.listening);
    equal(hub.viewers, 0);
    // A server fails while no page is open: the hub hears it, at its time.
    cluster.emit(down("server_1", 16.7));
    await waitFor(() => cluster.statusCalls >= 2, 5000, "background polls");
    ok(hub.samples.length >= 2, "background polls feed the chart");
    // A viewer that comes later still detaches into background watching.
    hub.attach()();
    ok(cluster.listening);
    deepStrictEqual(hub.recentEvents, [
      { type: "server_down", server: "server_1", timestamp: 16.7, id: 1 },
    ]);
  } finally {
    hub.close();
  }
  equal(cluster.listening, false);
  const polls = cluster.statusCalls;
  hub.attach()(); // closed: nothing starts again
  equal(cluster.listening, false);
  equal(cluster.statusCalls, polls);
});

Deno.test("without an idle interval nothing runs while nobody watches", async () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, { ...OPTIONS, statusIntervalMs: 10 });
  hub.watch();
  equal(cluster.listening, false);
  const detach = hub.attach();
  ok(cluster.listening);
  await waitFor(() => cluster.statusCalls >= 2, 5000, "polls while watched");
  detach();
  equal(cluster.listening, false);
  hub.close();
});

Deno.test("a new viewer brings the next poll forward from the idle interval", async () => {
  const cluster = new StubCluster();
  const hub = new DashboardHub(cluster, {
    ...OPTIONS,
    statusIntervalMs: 10,
    idleIntervalMs: 60_000,
  });
  hub.watch();
  try {
    const detach = hub.attach();
    await waitFor(() => cluster.statusCalls >= 2, 5000, "polls at 10 ms");
    detach();
  } finally {
    hub.close();
  }
});
