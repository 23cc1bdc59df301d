import assert from "node:assert/strict";
import { Store } from "./storage.ts";
import { RecordDigest } from "./storage_record.ts";
import { crashRecord } from "./testdata/crash_writer.ts";
import { mulberry32 } from "@agora/shared/testing/prng";

const WRITER = new URL("./testdata/crash_writer.ts", import.meta.url).pathname;
const ORIGIN = "server_crash";
const ROUNDS = 6;
const ROUND_TIMEOUT_MS = 30_000;
const BATCHES_MAX = 100_000;

/**
 * Runs one writer, SIGKILLs it right after its `killAfter`-th
 * acknowledgement (while it is inside the next batch), and returns the
 * highest seq it acknowledged.
 */
async function killWriter(
  dir: string,
  batchSize: number,
  killAfter: number,
): Promise<{ acked: number; signal: Deno.Signal | null; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      "--allow-read",
      "--allow-write",
      WRITER,
      dir,
      ORIGIN,
      String(batchSize),
      String(BATCHES_MAX),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const deadline = setTimeout(() => child.kill("SIGKILL"), ROUND_TIMEOUT_MS);
  let acked = 0;
  let lines = 0;
  let pending = "";
  try {
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        // Only whole lines count: a line is printed after append returned.
        const seq = Number(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        assert.ok(seq > acked, `acknowledged seqs increase (${seq})`);
        acked = seq;
        if (++lines === killAfter) child.kill("SIGKILL");
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  const status = await child.status;
  return { acked, signal: status.signal, stderr: await stderr };
}

/** Checks the store after a crash; returns its highest seq. */
function checkStore(dir: string, acked: number): number {
  const store = Store.open(dir);
  try {
    assert.equal(store.integrityCheck(), "ok");
    const maxSeq = store.maxSeq(ORIGIN);
    assert.ok(maxSeq >= acked, `seq ${acked} was acknowledged, ${maxSeq} held`);
    assert.deepEqual(store.vector(), { [ORIGIN]: maxSeq }, "no gaps");
    assert.equal(store.counts().records, maxSeq);
    // The clock was written in the same transaction as each batch.
    assert.equal(store.loadClock(), maxSeq);
    const digest = RecordDigest.empty();
    for (let after = 0; after < maxSeq;) {
      const page = store.recordsAfter(ORIGIN, after, 5000);
      assert.ok(page.length > 0);
      for (const record of page) {
        assert.deepEqual(record, crashRecord(ORIGIN, record.seq));
        digest.add(record);
      }
      after = page[page.length - 1].seq;
    }
    assert.equal(store.digest(), digest.hex());
    const history = store.channelHistory("crash", { limit: 3 });
    if (maxSeq >= 5) assert.equal(history.length, 3);
    return maxSeq;
  } finally {
    store.close();
  }
}

Deno.test("Store survives SIGKILL mid-append: nothing acknowledged is lost, no gaps", async () => {
  const seed = Number(Deno.env.get("AGORA_CRASH_SEED") ?? Date.now() % 1e9);
  const rand = mulberry32(seed);
  const dir = await Deno.makeTempDir({ prefix: "agora_crash_" });
  let acked = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const batchSize = [1, 32, 7, 100][round % 4];
      const killAfter = 1 + Math.floor(rand() * 40);
      const context =
        `seed ${seed} round ${round} batch ${batchSize} kill after ${killAfter}`;
      const result = await killWriter(dir, batchSize, killAfter);
      assert.equal(result.signal, "SIGKILL", `${context}: ${result.stderr}`);
      assert.ok(result.acked > acked, `${context}: the writer made progress`);
      acked = result.acked;
      const held = checkStore(dir, acked);
      assert.ok(
        held - acked <= batchSize,
        `${context}: at most one batch unacknowledged`,
      );
      acked = held;
    }
  } catch (error) {
    console.error(
      `storage crash test failed; rerun with AGORA_CRASH_SEED=${seed}`,
    );
    throw error;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
