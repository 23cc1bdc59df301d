import assert from "node:assert/strict";
import { parsePidRecord, readPidState, writePidRecord } from "./pid_file.ts";
import { readIdentity } from "./process_identity.ts";

Deno.test("readPidState() tells running, stopped and stale apart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/x.pid`;
    assert.deepEqual(await readPidState(path), { state: "stopped" });
    const me = (await readIdentity(Deno.pid))!;
    const record = {
      name: "x",
      pid: Deno.pid,
      started: me.started,
      entry: me.argv[0],
      argv: me.argv,
      startedAt: new Date().toISOString(),
      endpoints: {},
      outFile: `${dir}/x.out`,
    };
    await writePidRecord(path, record);
    assert.equal((await readPidState(path)).state, "running");
    await writePidRecord(path, { ...record, started: "long ago" });
    const stale = await readPidState(path);
    assert.equal(stale.state, "stale");
    await Deno.writeTextFile(path, "{");
    assert.equal((await readPidState(path)).state, "stale");
    assert.equal(
      parsePidRecord(JSON.stringify({ ...record, pid: -1 })),
      undefined,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
