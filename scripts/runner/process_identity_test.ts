import assert from "node:assert/strict";
import {
  isSameProcess,
  listProcesses,
  parsePsLine,
  readIdentity,
  runsArgv,
} from "./process_identity.ts";

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

Deno.test("parsePsLine() and runsArgv() find a process by its command line", async () => {
  const line =
    "  4242 Sl   Wed Nov 26 21:28:01 2025 /usr/bin/deno run --allow-env /r/bot/main.ts --user bot_1";
  const p = parsePsLine(line);
  assert.deepEqual(p, {
    pid: 4242,
    started: "Wed Nov 26 21:28:01 2025",
    argv: [
      "/usr/bin/deno",
      "run",
      "--allow-env",
      "/r/bot/main.ts",
      "--user",
      "bot_1",
    ],
    exited: false,
  });
  assert.ok(runsArgv(p, p.argv));
  assert.ok(!runsArgv(p, [...p.argv.slice(0, -1), "bot_2"]));
  assert.ok(!runsArgv(p, p.argv.slice(0, -2)));
  assert.ok(!runsArgv({ ...p, exited: true }, p.argv));
  assert.equal(parsePsLine(""), undefined);
  assert.equal(parsePsLine("PID STAT STARTED COMMAND"), undefined);
  // This process is in the machine's listing, with its own command line.
  const me = await readIdentity(Deno.pid);
  const listed = (await listProcesses()).find((x) => x.pid === Deno.pid);
  assert.ok(me !== undefined && listed !== undefined);
  assert.deepEqual(listed, me);
});
