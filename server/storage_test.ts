import assert from "node:assert/strict";
import type { ChatRecord } from "../shared/record.ts";
import {
  type ChannelMessage,
  DATABASE_FILE,
  HISTORY_LIMIT_MAX,
  type PrivateMessage,
  StorageError,
  Store,
} from "./storage.ts";
import { DatabaseSync } from "node:sqlite";
import { RecordDigest } from "./storage_record.ts";
import { configure, migrate, SCHEMA_VERSION } from "./storage_schema.ts";
import { mulberry32 } from "@agora/shared/testing/prng";

const ORIGINS = ["server_1", "server_2", "server_3"];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function shuffle<T>(rand: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Records as three servers would create them: per-origin seq without gaps,
 * Lamport clocks that collide across origins, and the same user and channel
 * names created concurrently on several servers.
 */
function cluster(seed: number, perOrigin: number): ChatRecord[] {
  const rand = mulberry32(seed);
  const users = ["ana", "bob", "cid", "dee"];
  const channels = ["general", "random", "dev"];
  const records: ChatRecord[] = [];
  for (const origin of ORIGINS) {
    let clock = 0;
    for (let seq = 1; seq <= perOrigin; seq++) {
      clock += 1 + Math.floor(rand() * 3);
      const base = { origin, seq, clock, timestamp: 1_700_000_000 + clock / 8 };
      const user = pick(rand, users);
      const roll = rand();
      if (seq <= 2) {
        records.push({ ...base, op: "user", data: { user } });
      } else if (seq <= 4) {
        records.push({
          ...base,
          op: "channel",
          data: { channel: pick(rand, channels), user },
        });
      } else if (roll < 0.1) {
        records.push({ ...base, op: "login", data: { user } });
      } else if (roll < 0.2) {
        records.push({
          ...base,
          op: "subscribe",
          data: { user, channel: pick(rand, channels) },
        });
      } else if (roll < 0.7) {
        records.push({
          ...base,
          op: "publish",
          data: {
            user,
            channel: pick(rand, channels),
            message: `${origin} says ${seq}`,
          },
        });
      } else {
        records.push({
          ...base,
          op: "message",
          data: { src: user, dst: pick(rand, users), message: `pm ${seq}` },
        });
      }
    }
  }
  return records;
}

function byOrder(
  a: { clock: number; server: string; id: string },
  b: { clock: number; server: string; id: string },
): number {
  const seqA = Number(a.id.slice(a.id.lastIndexOf(":") + 1));
  const seqB = Number(b.id.slice(b.id.lastIndexOf(":") + 1));
  if (a.clock !== b.clock) return a.clock - b.clock;
  if (a.server !== b.server) return a.server < b.server ? -1 : 1;
  return seqA - seqB;
}

function oracleChannel(
  records: ChatRecord[],
  channel: string,
): ChannelMessage[] {
  const out: ChannelMessage[] = [];
  for (const r of records) {
    if (r.op !== "publish" || r.data.channel !== channel) continue;
    out.push({
      id: `${r.origin}:${r.seq}`,
      user: r.data.user,
      channel,
      message: r.data.message,
      timestamp: r.timestamp,
      clock: r.clock,
      server: r.origin,
    });
  }
  return out.sort(byOrder);
}

function oraclePrivate(
  records: ChatRecord[],
  u1: string,
  u2: string,
): PrivateMessage[] {
  const out: PrivateMessage[] = [];
  for (const r of records) {
    if (r.op !== "message") continue;
    const { src, dst } = r.data;
    if (!((src === u1 && dst === u2) || (src === u2 && dst === u1))) continue;
    out.push({
      id: `${r.origin}:${r.seq}`,
      src,
      dst,
      user: src,
      message: r.data.message,
      timestamp: r.timestamp,
      clock: r.clock,
      server: r.origin,
    });
  }
  return out.sort(byOrder);
}

/** Expected page: the `limit` latest strictly before `before`, oldest first. */
function page<T extends { id: string }>(
  all: T[],
  limit: number,
  before?: string,
): T[] {
  const end = before === undefined
    ? all.length
    : all.findIndex((m) => m.id === before);
  return all.slice(Math.max(0, end - limit), end);
}

/** Everything observable about a store, for equality across replicas. */
function snapshot(store: Store) {
  const users = store.users();
  const channels = store.channels();
  return {
    digest: store.digest(),
    counts: store.counts(),
    vector: store.vector(),
    users: users.map((u) => [
      store.userInfo(u),
      store.subscriptions(u),
      users.map((v) => store.privateHistory(u, v, { limit: 1000 })),
    ]),
    channels: channels.map((c) => [
      store.channelInfo(c),
      store.channelHistory(c, { limit: 1000 }),
    ]),
    records: ORIGINS.map((o) => store.recordsAfter(o, 0, 5000)),
  };
}

/** A login of "ana" from origin "s1" with `seq` (and that clock). */
function loginRecord(seq: number): ChatRecord {
  return {
    origin: "s1",
    seq,
    clock: seq,
    timestamp: seq,
    op: "login",
    data: { user: "ana" },
  };
}

/** Runs `fn` with a fresh temp directory, removed afterwards. */
async function withDir(
  fn: (dir: string) => void | Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "agora_storage_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withStore(
  fn: (store: Store, dir: string) => void | Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "agora_storage_" });
  const store = Store.open(dir);
  try {
    await fn(store, dir);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("append() returns only new records and ignores duplicates", async () => {
  await withStore((store) => {
    const records = cluster(1, 20);
    const first = store.append(records);
    assert.equal(first.length, records.length);
    const digest = store.digest();
    const counts = store.counts();
    assert.deepEqual(store.append(records), []);
    assert.deepEqual(store.append([records[3], records[3]]), []);
    assert.equal(store.digest(), digest);
    assert.deepEqual(store.counts(), counts);
    assert.equal(counts.records, records.length);
  });
});

Deno.test("append() keeps the first record of an id and ignores a different second", async () => {
  await withStore((store) => {
    const a: ChatRecord = {
      origin: "s",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "user",
      data: { user: "ana" },
    };
    const b: ChatRecord = { ...a, data: { user: "eve" } };
    assert.equal(store.append([a, b]).length, 1);
    assert.deepEqual(store.users(), ["ana"]);
    assert.deepEqual(store.recordsAfter("s", 0, 10), [a]);
  });
});

Deno.test("append() stores a publish given twice in one batch once, the first", async () => {
  await withStore((store) => {
    const channel: ChatRecord = {
      origin: "s",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "channel",
      data: { channel: "geral" },
    };
    const first: ChatRecord = {
      origin: "s",
      seq: 2,
      clock: 2,
      timestamp: 2,
      op: "publish",
      data: { user: "ana", channel: "geral", message: "first" },
    };
    const second: ChatRecord = {
      ...first,
      data: { ...first.data, message: "second" },
    };
    assert.deepEqual(store.append([channel, first, second, first]), [
      channel,
      first,
    ]);
    assert.equal(store.counts().messages, 1);
    const history = store.channelHistory("geral", { limit: 10 });
    assert.deepEqual(history.map((m) => m.message), ["first"]);
  });
});

Deno.test("append() of one big batch equals appending record by record", async () => {
  const records = cluster(31, 150); // runs of one origin longer than a statement's rows
  const interleaved = records.map((_, i) =>
    records[(i % 3) * 150 + Math.floor(i / 3)]
  );
  for (const batch of [records, interleaved]) {
    await withStore(async (bulk) => {
      assert.equal(bulk.append(batch).length, batch.length);
      await withStore((single) => {
        for (const record of batch) single.append([record]);
        assert.deepEqual(snapshot(bulk), snapshot(single));
      });
    });
  }
});

Deno.test("append() with durable: false stores the batch like any other", async () => {
  await withDir((dir) => {
    const records = cluster(3, 30);
    const store = Store.open(dir);
    assert.equal(
      store.append(records.slice(0, 50), { durable: false }).length,
      50,
    );
    assert.equal(store.append(records.slice(50)).length, records.length - 50);
    const before = snapshot(store);
    store.close();
    const reopened = Store.open(dir);
    try {
      assert.deepEqual(snapshot(reopened), before);
      assert.equal(reopened.integrityCheck(), "ok");
    } finally {
      reopened.close();
    }
  });
});

Deno.test("append() converges: shuffled, duplicated batches give identical state", async () => {
  for (const seed of [7, 8, 9]) {
    const rand = mulberry32(seed);
    const records = cluster(seed, 60);
    await withStore(async (ordered) => {
      ordered.append(records);
      await withStore((shuffled) => {
        const pool = shuffle(rand, [...records, ...records.slice(0, 50)]);
        while (pool.length > 0) {
          const batch = pool.splice(0, 1 + Math.floor(rand() * 25));
          // Duplicates inside a batch and across batches.
          if (rand() < 0.3) batch.push(pick(rand, records));
          shuffled.append(batch);
        }
        assert.deepEqual(
          snapshot(shuffled),
          snapshot(ordered),
          `seed ${seed}`,
        );
      });
    });
  }
});

Deno.test("append() keeps the earliest concurrent creation of a name", async () => {
  await withStore((store) => {
    const user = (origin: string, seq: number, clock: number): ChatRecord => ({
      origin,
      seq,
      clock,
      timestamp: clock,
      op: "user",
      data: { user: "ana" },
    });
    const channel = (
      origin: string,
      clock: number,
      by: string,
    ): ChatRecord => ({
      origin,
      seq: 2,
      clock,
      timestamp: clock,
      op: "channel",
      data: { channel: "dev", user: by },
    });
    store.append([user("s3", 1, 5), channel("s3", 6, "cid")]);
    store.append([user("s2", 1, 5), channel("s2", 9, "bob")]);
    store.append([user("s1", 1, 7), channel("s1", 6, "ana")]);
    assert.deepEqual(store.users(), ["ana"]);
    assert.deepEqual(store.userInfo("ana"), {
      name: "ana",
      clock: 5,
      timestamp: 5,
      origin: "s2",
      seq: 1,
    });
    assert.deepEqual(store.channelInfo("dev"), {
      name: "dev",
      clock: 6,
      timestamp: 6,
      origin: "s1",
      seq: 2,
      creator: "ana",
    });
    assert.equal(store.counts().users, 1);
    assert.equal(store.counts().channels, 1);
    assert.equal(store.userInfo("nobody"), undefined);
  });
});

Deno.test("append() treats a nil channel creator as not given", async () => {
  await withStore((store) => {
    store.append([{
      origin: "s",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "channel",
      data: { channel: "dev", user: null } as unknown as { channel: string },
    }]);
    assert.deepEqual(store.channelInfo("dev"), {
      name: "dev",
      clock: 1,
      timestamp: 1,
      origin: "s",
      seq: 1,
    });
    assert.deepEqual(store.recordsAfter("s", 0, 1)[0].data, { channel: "dev" });
  });
});

Deno.test("channelHistory() pages like an in-memory oracle", async () => {
  await withStore((store) => {
    const rand = mulberry32(42);
    const records = cluster(42, 400);
    store.append(shuffle(rand, records));
    for (const channel of ["general", "random", "dev"]) {
      const all = oracleChannel(records, channel);
      assert.ok(all.length > 100, "enough messages to page");
      assert.deepEqual(store.channelHistory(channel), page(all, 100));
      assert.deepEqual(
        store.channelHistory(channel, { limit: 5000 }),
        page(all, HISTORY_LIMIT_MAX),
      );
      for (let i = 0; i < 40; i++) {
        const before = pick(rand, all).id;
        const limit = 1 + Math.floor(rand() * 30);
        assert.deepEqual(
          store.channelHistory(channel, { limit, before }),
          page(all, limit, before),
          `${channel} limit ${limit} before ${before}`,
        );
      }
      // Walking back page by page visits every message exactly once.
      const walked: ChannelMessage[] = [];
      let before: string | undefined;
      for (;;) {
        const got = store.channelHistory(channel, { limit: 17, before });
        if (got.length === 0) break;
        walked.unshift(...got);
        before = got[0].id;
      }
      assert.deepEqual(walked, all);
    }
    assert.deepEqual(store.channelHistory("nowhere"), []);
    assert.equal(store.channelHistory("general", { limit: 0 }).length, 1);
    assert.equal(store.channelHistory("general", { limit: NaN }).length, 100);
  });
});

Deno.test("channelHistory() accepts a before id from another channel", async () => {
  await withStore((store) => {
    const records = cluster(5, 100);
    store.append(records);
    const other = oracleChannel(records, "dev")[10];
    const all = oracleChannel(records, "general");
    assert.deepEqual(
      store.channelHistory("general", { limit: 1000, before: other.id }),
      all.filter((m) => byOrder(m, other) < 0),
    );
  });
});

Deno.test("channelHistory() rejects an unknown or malformed before id", async () => {
  await withStore((store) => {
    store.append(cluster(3, 10));
    for (const before of ["server_1:999", "nope", ":1", "server_1:01", "x:"]) {
      assertStorageError(
        () => store.channelHistory("general", { before }),
        "UNKNOWN_ID",
      );
    }
    assertStorageError(
      () => store.privateHistory("ana", "bob", { before: "server_9:1" }),
      "UNKNOWN_ID",
    );
  });
});

Deno.test("privateHistory() returns both directions, paged, either argument order", async () => {
  await withStore((store) => {
    const rand = mulberry32(11);
    const records = cluster(11, 300);
    store.append(records);
    const all = oraclePrivate(records, "ana", "bob");
    assert.ok(all.some((m) => m.src === "ana" && m.dst === "bob"));
    assert.ok(all.some((m) => m.src === "bob" && m.dst === "ana"));
    assert.deepEqual(store.privateHistory("ana", "bob", { limit: 1000 }), all);
    assert.deepEqual(store.privateHistory("bob", "ana", { limit: 1000 }), all);
    for (let i = 0; i < 20; i++) {
      const before = pick(rand, all).id;
      const limit = 1 + Math.floor(rand() * 10);
      assert.deepEqual(
        store.privateHistory("bob", "ana", { limit, before }),
        page(all, limit, before),
      );
    }
    const self = oraclePrivate(records, "cid", "cid");
    assert.deepEqual(store.privateHistory("cid", "cid", { limit: 1000 }), self);
  });
});

Deno.test("vector() tracks the highest contiguous seq across gaps", async () => {
  await withStore((store) => {
    store.append([loginRecord(2), loginRecord(4)]);
    assert.deepEqual(store.vector(), { s1: 0 });
    assert.equal(store.maxSeq("s1"), 4);
    assert.equal(store.nextSeq("s1"), 5);
    store.append([loginRecord(1)]);
    assert.deepEqual(store.vector(), { s1: 2 });
    store.append([loginRecord(3), loginRecord(6)]);
    assert.deepEqual(store.vector(), { s1: 4 });
    assert.deepEqual(
      store.recordsAfter("s1", 2, 10).map((r) => r.seq),
      [3, 4, 6],
    );
    assert.deepEqual(
      store.recordsAfter("s1", 0, 2).map((r) => r.seq),
      [1, 2],
    );
    assert.equal(store.nextSeq("unknown"), 1);
    assert.deepEqual(store.recordsAfter("unknown", 0, 10), []);
  });
});

Deno.test("append() of runs above the highest seq, mixed with gaps and repeats, stores each seq once", async () => {
  await withStore((store) => {
    // Rising from above the highest seq (the insert that reports nothing),
    // then runs that fill gaps, repeat a seq or go back: each must report
    // exactly the seqs it stored.
    assert.deepEqual(
      store.append([1, 2, 5].map(loginRecord)).map((r) => r.seq),
      [
        1,
        2,
        5,
      ],
    );
    assert.deepEqual(
      store.append([6, 6, 7].map(loginRecord)).map((r) => r.seq),
      [
        6,
        7,
      ],
    );
    assert.deepEqual(
      store.append([3, 8, 5].map(loginRecord)).map((r) => r.seq),
      [
        3,
        8,
      ],
    );
    assert.deepEqual(
      store.append([9, 4, 10].map(loginRecord)).map((r) => r.seq),
      [
        9,
        4,
        10,
      ],
    );
    assert.equal(store.counts().records, 10);
    assert.deepEqual(store.vector(), { s1: 10 });
    assert.equal(store.maxSeq("s1"), 10);
  });
});

Deno.test("append() repairs an origins table that lags the log (edited from outside)", async () => {
  await withDir((dir) => {
    let store = Store.open(dir);
    store.append([1, 2, 3, 4].map(loginRecord));
    const digest = store.digest();
    store.close();
    const db = new DatabaseSync(`${dir}/agora.sqlite`);
    db.exec("UPDATE origins SET contiguous = 1, max_seq = 1");
    db.close();
    store = Store.open(dir);
    try {
      // Seqs 3..5 look new to the stale table; 3 and 4 are in the log.
      assert.deepEqual(
        store.append([3, 4, 5].map(loginRecord)).map((r) => r.seq),
        [5],
      );
      assert.equal(store.counts().records, 5);
      assert.equal(store.maxSeq("s1"), 5);
      assert.deepEqual(store.vector(), { s1: 5 });
      assert.notEqual(store.digest(), digest);
      assert.equal(store.integrityCheck(), "ok");
    } finally {
      store.close();
    }
  });
});

Deno.test("append() rejects a malformed batch without writing anything", async () => {
  await withStore((store) => {
    const good = cluster(2, 3)[0];
    const bad: unknown[] = [
      null,
      "record",
      [],
      { ...good, origin: "" },
      { ...good, origin: 5 },
      { ...good, seq: 0 },
      { ...good, seq: 1.5 },
      { ...good, seq: 2 ** 60 },
      { ...good, clock: -1 },
      { ...good, timestamp: Infinity },
      { ...good, op: "delete" },
      { ...good, op: { toString: null } },
      { ...good, data: null },
      { ...good, data: { user: 7 } },
      { ...good, op: "channel", data: { channel: "c", user: 1 } },
      { ...good, data: { user: "x".repeat(1_048_577) } },
      Object.assign(Object.create(null), { ...good, seq: Symbol("s") }),
    ];
    for (const record of bad) {
      assertStorageError(
        () => store.append([good, record as ChatRecord]),
        "INVALID_RECORD",
      );
    }
    assertStorageError(
      () => store.append("x" as unknown as ChatRecord[]),
      "INVALID_ARGUMENT",
    );
    assertStorageError(
      () => store.append([good], { clock: -3 }),
      "INVALID_ARGUMENT",
    );
    assertStorageError(
      () => store.append([good], { meta: { "": "v" } }),
      "INVALID_ARGUMENT",
    );
    assertStorageError(
      () => store.append([good], { meta: "kv" as unknown as { k: string } }),
      "INVALID_ARGUMENT",
    );
    assertStorageError(
      () => store.setMeta("k", 5 as unknown as string),
      "INVALID_ARGUMENT",
    );
    assert.equal(store.counts().records, 0);
    assert.deepEqual(store.vector(), {});
    assert.equal(store.digest(), "0".repeat(32));
    assert.equal(store.integrityCheck(), "ok");
  });
});

Deno.test("append() stores absurd strings exactly and drops unknown fields", async () => {
  await withStore(async (store, dir) => {
    const strings = [
      "nul\u0000inside\u0000",
      "'); DROP TABLE records; --",
      '"quoted" \\ backslash',
      "emoji 🦕 and ñ and 中文",
      "\u202e right-to-left",
      "x".repeat(200_000),
    ];
    const records: ChatRecord[] = strings.flatMap((text, i) => [
      {
        origin: "o\u0000rigin",
        seq: 2 * i + 1,
        clock: i,
        timestamp: -0,
        op: "publish",
        data: { user: text, channel: text, message: text },
      },
      {
        origin: "o\u0000rigin",
        seq: 2 * i + 2,
        clock: i,
        timestamp: 1.5,
        op: "user",
        data: { user: text, extra: "dropped" } as { user: string },
      },
    ]);
    store.append(records);
    for (const text of strings) {
      const [got] = store.channelHistory(text);
      assert.equal(got.message, text);
      assert.equal(got.user, text);
      assert.equal(got.server, "o\u0000rigin");
      assert.ok(Object.is(got.timestamp, 0));
      assert.ok(store.hasUser(text));
      assert.equal(store.userInfo(text)?.origin, "o\u0000rigin");
    }
    assert.deepEqual(store.users(), [...strings].sort());
    assert.deepEqual(store.recordsAfter("o\u0000rigin", 1, 1)[0].data, {
      user: strings[0],
    });
    // A lone surrogate cannot be UTF-8: it is stored (and returned) as U+FFFD.
    const [lone] = store.append([{
      origin: "s",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "message",
      data: { src: "a\ud800", dst: "b", message: "\udc00!" },
    }]);
    assert.deepEqual(lone.data, {
      src: "a\ufffd",
      dst: "b",
      message: "\ufffd!",
    });
    assert.equal(store.privateHistory("b", "a\ufffd")[0].message, "\ufffd!");
    store.setMeta("k\u0000", "v\u0000v");
    assert.equal(store.getMeta("k\u0000"), "v\u0000v");
    assert.equal(store.integrityCheck(), "ok");
    await store.exportOriginal(`${dir}/export`);
    const data = JSON.parse(await Deno.readTextFile(`${dir}/export/data.json`));
    assert.deepEqual(data.users, store.users());
  });
});

Deno.test("exportOriginal() writes data.json and login.json in the original layout", async () => {
  await withStore(async (store, dir) => {
    const records = cluster(21, 80);
    store.append(records);
    const out = `${dir}/export`;
    await store.exportOriginal(out);
    const data = JSON.parse(await Deno.readTextFile(`${out}/data.json`));
    assert.deepEqual(Object.keys(data), [
      "users",
      "channels",
      "messages",
      "private_messages",
    ]);
    assert.deepEqual(data.users, store.users());
    assert.deepEqual(data.channels, store.channels());
    const messages = ["general", "random", "dev"]
      .flatMap((c) => oracleChannel(records, c))
      .sort(byOrder);
    assert.deepEqual(data.messages, messages);
    const privates = records
      .filter((r) => r.op === "message")
      .map((r) => oraclePrivate([r], r.data.src, r.data.dst)[0])
      .sort(byOrder);
    assert.deepEqual(data.private_messages, privates);
    const logins = JSON.parse(await Deno.readTextFile(`${out}/login.json`));
    const expected = records
      .filter((r) => r.op === "login")
      .map((r) => ({
        id: `${r.origin}:${r.seq}`,
        user: r.data.user,
        timestamp: r.timestamp,
        clock: r.clock,
        server: r.origin,
      }))
      .sort(byOrder);
    assert.ok(expected.length > 0);
    assert.deepEqual(logins, expected);
    const left = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(left, ["data.json", "login.json"], "no temp files left");
  });
});

Deno.test("exportOriginal() shows one snapshot while appends continue", async () => {
  await withStore(async (store, dir) => {
    const records = cluster(31, 50);
    store.append(records.slice(0, 100));
    const expected = store.counts().messages;
    const exporting = store.exportOriginal(`${dir}/export`);
    store.append(records.slice(100));
    await exporting;
    const data = JSON.parse(await Deno.readTextFile(`${dir}/export/data.json`));
    assert.equal(data.messages.length, expected);
    assert.ok(store.counts().messages > expected);
  });
});

Deno.test("close() during exportOriginal() fails the export with CLOSED", async () => {
  await withDir(async (dir) => {
    const store = Store.open(dir);
    store.append(cluster(41, 30));
    const exporting = store.exportOriginal(`${dir}/export`);
    store.close();
    await assert.rejects(
      () => exporting,
      (e) => e instanceof StorageError && e.code === "CLOSED",
    );
    const left = [...Deno.readDirSync(`${dir}/export`)].map((e) => e.name);
    assert.deepEqual(left, [], "no temp files left");
    const reopened = Store.open(dir);
    assert.equal(reopened.counts().records, 90);
    reopened.close();
  });
});

Deno.test("Store.open() restores records, state, clock, meta, digest and counts", async () => {
  await withDir((dir) => {
    const records = cluster(17, 70);
    const store = Store.open(dir);
    store.append(records.slice(0, 100), { clock: 40, meta: { rank: "2" } });
    store.append(records.slice(100), { clock: 90 });
    store.setMeta("offset", "-0.25");
    const before = snapshot(store);
    store.close();
    const reopened = Store.open(dir);
    try {
      assert.deepEqual(snapshot(reopened), before);
      assert.equal(reopened.loadClock(), 90);
      assert.equal(reopened.getMeta("rank"), "2");
      assert.equal(reopened.getMeta("offset"), "-0.25");
      assert.equal(reopened.getMeta("missing"), undefined);
      assert.equal(reopened.integrityCheck(), "ok");
      // Incremental digest equals a recomputation over the stored records.
      const digest = RecordDigest.empty();
      for (const origin of ORIGINS) {
        for (const r of reopened.recordsAfter(origin, 0, 5000)) {
          digest.add(r);
        }
      }
      assert.equal(reopened.digest(), digest.hex());
    } finally {
      reopened.close();
    }
  });
});

Deno.test("saveClock() persists and never lowers the clock", async () => {
  await withStore((store) => {
    assert.equal(store.loadClock(), 0);
    store.saveClock(12);
    store.saveClock(7);
    assert.equal(store.loadClock(), 12);
    store.append([], { clock: 3 });
    assert.equal(store.loadClock(), 12);
    assertStorageError(() => store.saveClock(1.5), "INVALID_ARGUMENT");
  });
});

Deno.test("Store.open() refuses a directory another store holds", async () => {
  await withStore((_store, dir) => {
    assertStorageError(() => Store.open(dir), "LOCKED");
  });
});

Deno.test("a closed store throws CLOSED and close() is idempotent", async () => {
  await withDir(async (dir) => {
    const store = Store.open(dir);
    store.close();
    store.close();
    assertStorageError(() => store.users(), "CLOSED");
    assertStorageError(() => store.append([]), "CLOSED");
    await assert.rejects(
      () => store.exportOriginal(`${dir}/x`),
      (e) => e instanceof StorageError && e.code === "CLOSED",
    );
    Store.open(dir).close();
  });
});

function assertStorageError(fn: () => unknown, code: string): void {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof StorageError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

Deno.test("configure() and migrate() set WAL, synchronous FULL and the schema version", async () => {
  const dir = await Deno.makeTempDir({ prefix: "agora_storage_" });
  const db = new DatabaseSync(`${dir}/raw.sqlite`);
  try {
    configure(db);
    migrate(db);
    migrate(db);
    assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, {
      journal_mode: "wal",
    });
    assert.deepEqual({ ...db.prepare("PRAGMA synchronous").get() }, {
      synchronous: 2,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA user_version").get() }, {
      user_version: SCHEMA_VERSION,
    });
    db.exec("PRAGMA user_version = 99");
    assertStorageError(() => migrate(db), "SCHEMA");
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Store.open() migrates a version 1 store: the digest is computed again from the log", async () => {
  await withDir((dir) => {
    const store = Store.open(dir);
    store.append(cluster(23, 40));
    const expected = store.digest();
    const path = store.path;
    store.close();
    // What a version 1 store looked like: a 256-bit SHA-256 sum.
    const db = new DatabaseSync(path);
    db.exec(
      `UPDATE store_state SET digest = '${
        "ab".repeat(32)
      }'; DROP TABLE requests; PRAGMA user_version = 1`,
    );
    db.close();
    const migrated = Store.open(dir);
    try {
      assert.equal(migrated.digest(), expected);
      assert.equal(migrated.counts().records, 120);
    } finally {
      migrated.close();
    }
    const raw = new DatabaseSync(path);
    try {
      assert.deepEqual({ ...raw.prepare("PRAGMA user_version").get() }, {
        user_version: SCHEMA_VERSION,
      });
    } finally {
      raw.close();
    }
  });
});

Deno.test("requestPost() finds a post by kind, author and request_id", async () => {
  await withStore((store) => {
    store.append([
      keyedPost("s1", 1, 5, "k"),
      keyedMessage("s2", 1, 5, "k"),
    ]);
    assert.deepEqual(store.requestPost("publish", "ana", "k"), {
      id: "s1:1",
      target: "geral",
      message: "oi",
    });
    assert.equal(store.requestPost("message", "bia", "k")?.id, "s2:1");
    // Kinds and authors do not share keys.
    assert.equal(store.requestPost("message", "ana", "k"), undefined);
    assert.equal(store.requestPost("publish", "ana", "other"), undefined);
    // The key travels with the record.
    assert.deepEqual(store.recordsAfter("s1", 0, 10)[0].data, {
      user: "ana",
      channel: "geral",
      message: "oi",
      request_id: "k",
    });
  });
});

Deno.test("posts sharing a key: every replica keeps the first in message order, whatever the arrival order", async () => {
  // A retry that reached s3 before s1's post did: two records, one key.
  const early = keyedPost("s3", 1, 4, "k"); // clock 4: first in order
  const late = keyedPost("s1", 1, 9, "k");
  const earlyPm = keyedMessage("s3", 2, 4, "m");
  const latePm = keyedMessage("s1", 2, 9, "m");
  const plain = keyedPost("s2", 1, 6, "other");
  await withStore(async (forward) => {
    forward.append([late, latePm, plain]);
    forward.append([early, earlyPm]);
    await withStore((backward) => {
      backward.append([early, earlyPm, plain, late, latePm]);
      for (const store of [forward, backward]) {
        assert.equal(store.requestPost("publish", "ana", "k")?.id, "s3:1");
        assert.equal(store.requestPost("message", "bia", "m")?.id, "s3:2");
        assert.deepEqual(
          store.channelHistory("geral", { limit: 10 }).map((m) => m.id),
          ["s3:1", "s2:1"],
        );
        assert.deepEqual(
          store.privateHistory("ana", "bia", { limit: 10 }).map((m) => m.id),
          ["s3:2"],
        );
        assert.equal(store.counts().messages, 2);
        assert.equal(store.counts().privateMessages, 1);
        assert.equal(store.counts().records, 5);
      }
      assert.deepEqual(snapshot(forward), snapshot(backward));
    });
  });
  // Counts read back from the tables agree with the ones kept on append.
  await withDir((dir) => {
    const store = Store.open(dir);
    store.append([late, latePm]);
    store.append([early, earlyPm]);
    const counts = store.counts();
    store.close();
    const reopened = Store.open(dir);
    assert.deepEqual(reopened.counts(), counts);
    reopened.close();
  });
});

/** A post of `ana` (publish) or `bia` (message to ana) carrying a key. */
function keyed(
  op: "publish" | "message",
  origin: string,
  seq: number,
  clock: number,
  requestId: string,
): ChatRecord {
  const data = op === "publish"
    ? { user: "ana", channel: "geral", message: "oi" }
    : { src: "bia", dst: "ana", message: "psst" };
  return {
    origin,
    seq,
    clock,
    timestamp: clock,
    op,
    data: { ...data, request_id: requestId },
  } as ChatRecord;
}

function keyedPost(origin: string, seq: number, clock: number, key: string) {
  return keyed("publish", origin, seq, clock, key);
}

function keyedMessage(origin: string, seq: number, clock: number, key: string) {
  return keyed("message", origin, seq, clock, key);
}

Deno.test("Store.open() migrates a version 2 store: the request table is added", async () => {
  await withDir((dir) => {
    const store = Store.open(dir);
    store.append(cluster(29, 20));
    const before = snapshot(store);
    const path = store.path;
    store.close();
    const db = new DatabaseSync(path);
    db.exec("DROP TABLE requests; PRAGMA user_version = 2");
    db.close();
    const migrated = Store.open(dir);
    try {
      assert.deepEqual(snapshot(migrated), before);
      assert.equal(migrated.requestPost("publish", "ana", "k"), undefined);
      assert.equal(migrated.integrityCheck(), "ok");
    } finally {
      migrated.close();
    }
  });
});

Deno.test("a non-durable append whose BEGIN fails leaves later commits synchronous = FULL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "agora_storage_" });
  // The store's own connection, caught as it configures itself, to read
  // its PRAGMA afterwards.
  const connections: DatabaseSync[] = [];
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: DatabaseSync, sql: string) {
    if (!connections.includes(this)) connections.push(this);
    return exec.call(this, sql);
  };
  let store: Store | undefined;
  let other: DatabaseSync | undefined;
  try {
    store = Store.open(dir);
    DatabaseSync.prototype.exec = exec;
    const db = connections[0];
    const synchronous = () =>
      (db.prepare("PRAGMA synchronous").get() as { synchronous: number })
        .synchronous;
    assert.equal(synchronous(), 2);
    // Another connection holds the write lock (the sqlite3 shell, say).
    other = new DatabaseSync(`${dir}/${DATABASE_FILE}`);
    other.exec("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE");
    const peerRecord: ChatRecord = {
      origin: "server_2",
      seq: 1,
      clock: 1,
      timestamp: 1,
      op: "user",
      data: { user: "bob" },
    };
    const busy = store;
    assert.throws(() => busy.append([peerRecord], { durable: false }));
    other.exec("ROLLBACK");
    other.close();
    other = undefined;
    assert.equal(synchronous(), 2, "FULL again after the failed BEGIN");
    store.append([{
      ...peerRecord,
      origin: "server_1",
      data: { user: "ana" },
    }]);
    assert.equal(synchronous(), 2);
  } finally {
    DatabaseSync.prototype.exec = exec;
    other?.close();
    store?.close();
    await Deno.remove(dir, { recursive: true });
  }
});
