import { deepStrictEqual, equal } from "node:assert/strict";
import type { ReferenceEntry } from "./cluster.ts";
import { ServerBook, type ServerProbe } from "./real_server_book.ts";
import type { ServerReport } from "./real_server_report.ts";

const NOW_MS = 1_764_190_000_000;

function report(
  name: string,
  overrides: Partial<ServerReport> = {},
): ServerReport {
  return {
    name,
    rank: null,
    coordinator: "server_1",
    lamport: 10,
    timeSeconds: NOW_MS / 1000,
    counts: { users: 1, channels: 1, messages: 2, privateMessages: 0 },
    vector: { server_1: 5 },
    address: null,
    events: [],
    lastEventSeq: 0,
    uptimeSeconds: 100,
    ...overrides,
  };
}

function answer(endpoint: string, r: ServerReport): ServerProbe {
  return { endpoint, answered: true, report: r, midpointMs: NOW_MS };
}

function silence(endpoint: string): ServerProbe {
  return { endpoint, answered: false, report: null, midpointMs: NOW_MS };
}

const LIST: ReferenceEntry[] = [
  { name: "server_2", rank: 2, address: "tcp://h:2" },
  { name: "server_1", rank: 1, address: "tcp://h:1" },
];

Deno.test("a poll becomes a snapshot by rank, with offsets, counts and lag", () => {
  const book = new ServerBook();
  book.learnList(LIST);
  deepStrictEqual(book.targets(), ["tcp://h:1", "tcp://h:2"]);
  const { status, observations, agreedCoordinator } = book.snapshot({
    timestampSeconds: 1000,
    reference: LIST,
    probes: [
      answer(
        "tcp://h:1",
        report("server_1", {
          timeSeconds: NOW_MS / 1000 + 0.0125,
          vector: { server_1: 5, server_2: 3 },
        }),
      ),
      answer(
        "tcp://h:2",
        report("server_2", {
          timeSeconds: NOW_MS / 1000 - 0.004,
          vector: { server_1: 4, server_2: 3 },
          lamport: 12,
        }),
      ),
    ],
    announced: null,
  });
  equal(agreedCoordinator, "server_1");
  equal(status.coordinator, "server_1");
  equal(status.referenceAlive, true);
  deepStrictEqual(status.servers.map((s) => s.name), ["server_1", "server_2"]);
  const [one, two] = status.servers;
  deepStrictEqual(one, {
    name: "server_1",
    rank: 1,
    address: "tcp://h:1",
    alive: true,
    listed: true,
    coordinator: true,
    clockOffsetMs: 12.5,
    lamportClock: 10,
    counts: { users: 1, channels: 1, messages: 2, privateMessages: 0 },
    replication: { vector: { server_1: 5, server_2: 3 }, lagRecords: 0 },
  });
  equal(two.clockOffsetMs, -4);
  equal(two.lamportClock, 12);
  equal(two.replication?.lagRecords, 1);
  equal(two.coordinator, false);
  deepStrictEqual(observations.map((o) => [o.name, o.alive, o.listed]), [
    ["server_1", true, true],
    ["server_2", true, true],
  ]);
  // When each answered, for the tracker's up times.
  equal(observations[0].answeredSeconds, NOW_MS / 1000);
});

Deno.test("a server gone from the list stays in the book as down", () => {
  const book = new ServerBook();
  book.learnList(LIST);
  const { status } = book.snapshot({
    timestampSeconds: 1000,
    reference: [LIST[0]],
    probes: [silence("tcp://h:1"), answer("tcp://h:2", report("server_2"))],
    announced: "server_2",
  });
  const one = status.servers[0];
  equal(one.name, "server_1");
  equal(one.alive, false);
  equal(one.listed, false);
  equal(one.coordinator, false);
  equal(one.clockOffsetMs, null);
  equal(one.counts, null);
  equal(one.replication, null);
  equal(status.coordinator, "server_2");
  deepStrictEqual(book.targets(), ["tcp://h:1", "tcp://h:2"]);
});

Deno.test("the announced coordinator wins while alive; a dead one is not shown", () => {
  const book = new ServerBook();
  book.learnList(LIST);
  const probes = [
    answer("tcp://h:1", report("server_1", { coordinator: "server_1" })),
    answer("tcp://h:2", report("server_2", { coordinator: "server_1" })),
  ];
  equal(
    book.snapshot({
      timestampSeconds: 1,
      reference: LIST,
      probes,
      announced: "server_2",
    }).status.coordinator,
    "server_2",
  );
  const stale = book.snapshot({
    timestampSeconds: 2,
    reference: LIST,
    probes: [
      silence("tcp://h:1"),
      answer("tcp://h:2", report("server_2", { coordinator: "server_1" })),
    ],
    announced: "server_1",
  });
  equal(stale.status.coordinator, null);
});

Deno.test("configured endpoints get their name when they answer, without a reference", () => {
  const book = new ServerBook(["tcp://a:1", " tcp://a:1 ", "tcp://b:1", ""]);
  deepStrictEqual(book.targets(), ["tcp://a:1", "tcp://b:1"]);
  const { status } = book.snapshot({
    timestampSeconds: 1,
    reference: null,
    probes: [
      answer("tcp://a:1", report("server_1", { rank: 1 })),
      silence("tcp://b:1"),
    ],
    announced: null,
  });
  equal(status.referenceAlive, false);
  deepStrictEqual(status.reference, []);
  deepStrictEqual(status.servers.map((s) => [s.name, s.rank, s.address]), [
    ["server_1", 1, "tcp://a:1"],
  ]);
  deepStrictEqual(book.addresses, { server_1: "tcp://a:1" });
});

Deno.test("a server that answers without a readable report is alive with no data", () => {
  const book = new ServerBook();
  book.learnList(LIST);
  const { status } = book.snapshot({
    timestampSeconds: 1,
    reference: LIST,
    probes: [
      { endpoint: "tcp://h:1", answered: true, report: null, midpointMs: 0 },
      silence("tcp://h:2"),
    ],
    announced: null,
  });
  equal(status.servers[0].alive, true);
  equal(status.servers[0].counts, null);
  equal(status.servers[1].alive, false);
});

Deno.test("the book holds at most serversMax servers", () => {
  const book = new ServerBook([], 1);
  book.learnList(LIST);
  deepStrictEqual(Object.keys(book.addresses), ["server_2"]);
});

Deno.test("a listed name without an address is not a server until it answers", () => {
  const book = new ServerBook(["tcp://c:1"]);
  const list: ReferenceEntry[] = [
    ...LIST,
    { name: "acceptance_probe", rank: 3, address: null },
    { name: "server_3", rank: 4, address: null },
  ];
  const { status } = book.snapshot({
    timestampSeconds: 1,
    reference: list,
    probes: [
      answer("tcp://h:1", report("server_1")),
      answer("tcp://h:2", report("server_2")),
      answer("tcp://c:1", report("server_3")),
    ],
    announced: null,
  });
  deepStrictEqual(status.servers.map((s) => [s.name, s.rank, s.address]), [
    ["server_1", 1, "tcp://h:1"],
    ["server_2", 2, "tcp://h:2"],
    ["server_3", 4, "tcp://c:1"],
  ]);
  equal(status.reference.length, 4);
});
