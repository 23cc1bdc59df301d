import assert from "node:assert/strict";
import { decode, encode } from "@msgpack/msgpack";
import { createLogger } from "@agora/shared/log";
import { ReferenceService } from "./service.ts";

type Reply = { service: string; data: Record<string, unknown> };

async function open(dataDir: string) {
  const log = createLogger({
    service: "reference",
    file: false,
    stdout: false,
  });
  const service = await ReferenceService.open({
    dataDir,
    heartbeatTimeoutMs: 3000,
    log,
  });
  const call = async (frame: unknown, nowMs: number): Promise<Reply> =>
    decode(await service.handle(frame, nowMs)) as Reply;
  const request = (
    service: string,
    data: Record<string, unknown>,
    nowMs: number,
  ) =>
    call(
      encode({ service, data: { ...data, timestamp: nowMs / 1000, clock: 5 } }),
      nowMs,
    );
  return { service, call, request, close: () => log.close() };
}

Deno.test("the reference answers rank, list and heartbeat with stamped replies", async () => {
  const dir = await Deno.makeTempDir();
  const ref = await open(dir);
  try {
    const r1 = await ref.request("rank", {
      user: "server_1",
      address: "tcp://h:1",
    }, 0);
    assert.equal(r1.service, "rank");
    assert.equal(r1.data.rank, 1);
    assert.ok(
      (r1.data.clock as number) > 5,
      "the reply's clock follows the request's",
    );
    assert.equal(typeof r1.data.timestamp, "number");
    assert.equal(
      (await ref.request("rank", { user: "server_2" }, 0)).data.rank,
      2,
    );
    const hb = await ref.request("heartbeat", { user: "server_2" }, 2000);
    assert.equal(hb.data.status, "OK");
    assert.deepEqual((await ref.request("list", {}, 3500)).data.list, [
      { name: "server_2", rank: 2 },
    ]);
  } finally {
    await ref.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a restarted reference keeps every rank and re-registers on heartbeat", async () => {
  const dir = await Deno.makeTempDir();
  const first = await open(dir);
  await first.request("rank", { user: "a" }, 0);
  await first.request("rank", {
    user: "b",
    address: "tcp://b:1",
    peer_address: "tcp://b:2",
  }, 0);
  await first.close();
  const second = await open(dir);
  try {
    assert.deepEqual((await second.request("list", {}, 10)).data.list, []);
    await second.request("heartbeat", { user: "b" }, 20);
    assert.deepEqual((await second.request("list", {}, 30)).data.list, [
      { name: "b", rank: 2, address: "tcp://b:1", peer_address: "tcp://b:2" },
    ]);
    assert.equal(
      (await second.request("rank", { user: "a" }, 40)).data.rank,
      1,
    );
    assert.equal(
      (await second.request("rank", { user: "c" }, 40)).data.rank,
      3,
    );
  } finally {
    await second.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input gets the protocol's error reply and changes nothing", async () => {
  const dir = await Deno.makeTempDir();
  const ref = await open(dir);
  try {
    const bad: unknown[] = [
      new Uint8Array([0xc1]),
      encode([1, 2, 3]),
      encode({ service: "rank", data: { user: "" } }),
      encode({ service: "rank", data: { user: 42 } }),
      encode({ service: "rank", data: "nope" }),
      encode({ service: "unknown", data: {} }),
      new Uint8Array(200_000),
    ];
    for (const frame of bad) {
      const reply = await ref.call(frame, 0);
      assert.equal(reply.service, "error");
      assert.equal(reply.data.status, "erro");
      assert.equal(typeof reply.data.description, "string");
    }
    assert.deepEqual(ref.service.registry.all(), []);
  } finally {
    await ref.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rank and heartbeat take a peer_address that list returns", async () => {
  const dir = await Deno.makeTempDir();
  const ref = await open(dir);
  try {
    await ref.request("rank", {
      user: "server_1",
      address: "tcp://h:1",
      peer_address: "tcp://h:2",
    }, 0);
    await ref.request("rank", { user: "server_2", address: "tcp://h:3" }, 0);
    await ref.request("heartbeat", {
      user: "server_2",
      address: "tcp://h:3",
      peer_address: "tcp://h:4",
    }, 10);
    assert.deepEqual((await ref.request("list", {}, 20)).data.list, [
      {
        name: "server_1",
        rank: 1,
        address: "tcp://h:1",
        peer_address: "tcp://h:2",
      },
      {
        name: "server_2",
        rank: 2,
        address: "tcp://h:3",
        peer_address: "tcp://h:4",
      },
    ]);
    const bad = await ref.request("rank", { user: "x", peer_address: 5 }, 30);
    assert.equal(bad.service, "error");
  } finally {
    await ref.close();
    await Deno.remove(dir, { recursive: true });
  }
});
