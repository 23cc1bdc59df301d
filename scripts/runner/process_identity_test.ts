import assert from "node:assert/strict";
import { isSameProcess, readIdentity } from "./process_identity.ts";

Deno.test("readIdentity() and isSameProcess() recognise this process", async () => {
  const me = await readIdentity(Deno.pid);
  assert.ok(me !== undefined);
  assert.equal(me.pid, Deno.pid);
  assert.equal(me.exited, false);
  const record = { pid: Deno.pid, started: me.started };
  assert.ok(isSameProcess(me, record, me.argv[0]));
  assert.ok(!isSameProcess(me, { ...record, started: "other" }, me.argv[0]));
  assert.ok(!isSameProcess(me, record, "/no/such/main.ts"));
  assert.equal(await readIdentity(0), undefined);
  assert.equal(await readIdentity(2 ** 22 + 12345), undefined);
});
