import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { ChatRecord } from "@agora/shared/record";
import { PeerAuth, REQUEST_FRESHNESS_SECONDS } from "./peer_auth.ts";

const records: ChatRecord[] = [
  {
    origin: "s1",
    seq: 1,
    clock: 5,
    timestamp: 1.25,
    op: "channel",
    data: { channel: "geral", user: "ana" },
  },
  {
    origin: "s1",
    seq: 2,
    clock: 6,
    timestamp: 2,
    op: "message",
    data: { src: "ana", dst: "bia", message: "oi" },
  },
];

Deno.test("replication MAC covers the records as documented", () => {
  const auth = new PeerAuth("k");
  const text = "agora/replicate/v1\n" + JSON.stringify([
    ["s1", 1, 5, 1.25, "channel", ["geral", "ana"]],
    ["s1", 2, 6, 2, "message", ["ana", "bia", "oi"]],
  ]);
  const expected = createHmac("sha256", "k").update(text).digest("hex");
  assert.equal(auth.replication(records), expected);
  assert.ok(auth.verifyReplication(records, expected));
  assert.ok(!auth.verifyReplication(records, undefined));
  assert.ok(!new PeerAuth("other").verifyReplication(records, expected));
  const tampered = structuredClone(records);
  (tampered[1].data as { message: string }).message = "tchau";
  assert.ok(!auth.verifyReplication(tampered, expected));
  // Key order and extra fields do not matter: the values do.
  const reordered = records.map((r) => ({
    data: { ...r.data },
    op: r.op,
    timestamp: r.timestamp,
    clock: r.clock,
    seq: r.seq,
    origin: r.origin,
    extra: "ignored",
  })) as ChatRecord[];
  assert.ok(auth.verifyReplication(reordered, expected));
});

Deno.test("request MAC: service, stamp and fields; freshness bounded", () => {
  const auth = new PeerAuth("k");
  const stamp = { timestamp: 1000, clock: 7 };
  const mac = auth.request("sync", stamp, ["s1", 0, 500]);
  assert.equal(
    mac,
    createHmac("sha256", "k").update(
      'agora/request/v1\n["sync",1000,7,"s1",0,500]',
    ).digest("hex"),
  );
  assert.equal(
    auth.checkRequest("sync", stamp, ["s1", 0, 500], mac, 1000),
    undefined,
  );
  assert.match(
    auth.checkRequest("sync", stamp, ["s1", 1, 500], mac, 1000)!,
    /not valid/,
  );
  assert.match(
    auth.checkRequest("sync", stamp, ["s1", 0, 500], undefined, 1000)!,
    /needs/,
  );
  assert.match(
    auth.checkRequest(
      "sync",
      stamp,
      ["s1", 0, 500],
      mac,
      1000 + REQUEST_FRESHNESS_SECONDS + 1,
    )!,
    /stale/,
  );
  assert.match(
    auth.checkRequest("sync", stamp, ["s1", 0, 500], "zz", 1000)!,
    /not valid/,
  );
});

Deno.test("replication MAC covers a post's request_id, appended when given", () => {
  const auth = new PeerAuth("k");
  const post: ChatRecord = {
    origin: "s1",
    seq: 3,
    clock: 7,
    timestamp: 3,
    op: "publish",
    data: { user: "ana", channel: "geral", message: "oi", request_id: "r1" },
  };
  const text = "agora/replicate/v1\n" + JSON.stringify([
    ["s1", 3, 7, 3, "publish", ["ana", "geral", "oi", "r1"]],
  ]);
  const expected = createHmac("sha256", "k").update(text).digest("hex");
  assert.equal(auth.replication([post]), expected);
  const changed = structuredClone(post);
  (changed.data as { request_id: string }).request_id = "r2";
  assert.ok(!auth.verifyReplication([changed], expected));
});
