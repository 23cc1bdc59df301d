import assert from "node:assert/strict";
import type { ChatRecord } from "@agora/shared/record";
import type { BatchView } from "./batch_view.ts";
import { Committer } from "./committer.ts";
import type { PeerAuth } from "./peer_auth.ts";
import type { Store } from "./storage.ts";
import type { AppendOptions } from "./storage_types.ts";

function record(origin: string, seq: number): ChatRecord {
  return {
    origin,
    seq,
    clock: seq,
    timestamp: 1,
    op: "publish",
    data: { user: "ana", channel: "geral", message: `m${seq}` },
  };
}

function committer(options: { replicationMac?: () => string } = {}) {
  const appends: { records: number; options: AppendOptions }[] = [];
  const store = {
    append(records: readonly ChatRecord[], options: AppendOptions) {
      appends.push({ records: records.length, options });
      return [...records];
    },
  } as unknown as Store;
  const view = { note() {}, clear() {} } as unknown as BatchView;
  const auth = {
    replication: options.replicationMac ?? (() => "mac"),
  } as unknown as PeerAuth;
  return {
    appends,
    committer: new Committer({
      store,
      view,
      auth,
      restartClock: () => 42,
      stamp: () => ({ timestamp: 1, clock: 1 }),
    }),
  };
}

Deno.test("Committer: a batch of peers' records alone is committed without waiting for the disk", () => {
  const { appends, committer: c } = committer();
  c.stageReplicated([record("server_2", 1), record("server_2", 2)]);
  const outcome = c.commit();
  assert.ok(outcome.ok);
  assert.deepEqual(appends, [
    { records: 2, options: { clock: 42, durable: false } },
  ]);
  if (outcome.ok) assert.deepEqual(outcome.publications, []);
});

Deno.test("Committer: a batch with this server's records is durable, peers' records included", () => {
  const { appends, committer: c } = committer();
  c.stageReplicated([record("server_2", 1)]);
  c.stageLocal([record("server_1", 1)]);
  const outcome = c.commit();
  assert.ok(outcome.ok);
  assert.deepEqual(appends, [
    { records: 2, options: { clock: 42, durable: true } },
  ]);
  // The local record is published: its chat topic, then `replication`.
  if (outcome.ok) assert.equal(outcome.publications.length, 2);
});

Deno.test("Committer: stored records stay a success when building their publications throws", () => {
  const { appends, committer: c } = committer({
    replicationMac: () => {
      throw new Error("no MAC today");
    },
  });
  let settled: boolean | undefined;
  c.onSettled((ok) => settled = ok);
  c.stageLocal([record("server_1", 1)]);
  const outcome = c.commit();
  assert.equal(appends.length, 1);
  assert.ok(outcome.ok, "the records are on disk: the outcome says so");
  assert.equal(settled, true);
  if (outcome.ok) {
    assert.deepEqual(outcome.publications, []);
    assert.match(String(outcome.publicationError), /no MAC today/);
  }
});
