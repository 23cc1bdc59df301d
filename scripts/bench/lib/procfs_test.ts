import assert from "node:assert/strict";
import {
  cpuPressureMs,
  cpuSeconds,
  findPidByDataDir,
  memory,
  parseCpuSeconds,
  parseMemory,
  parseSchedStat,
  schedStat,
} from "./procfs.ts";

Deno.test("parseCpuSeconds counts fields after the command name, spaces and all", () => {
  const stat =
    "4242 (deno (a) b) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 9 0 1 0 0";
  assert.equal(parseCpuSeconds(stat), 3);
});

Deno.test("parseMemory reads VmRSS and VmHWM", () => {
  const status = "Name:\tdeno\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
  assert.deepEqual(parseMemory(status), { rssKiB: 102400, hwmKiB: 204800 });
  assert.throws(() => parseMemory("Name:\tdeno\n"), /VmRSS/);
});

Deno.test("this process's own CPU time and memory are readable", () => {
  assert.ok(cpuSeconds(Deno.pid) >= 0);
  assert.ok(memory(Deno.pid).rssKiB > 0);
});

Deno.test("findPidByDataDir finds a child by its environment", async () => {
  const dataDir = `/tmp/agora_bench_probe_${crypto.randomUUID()}`;
  const child = new Deno.Command("sleep", {
    args: ["5"],
    env: { AGORA_DATA_DIR: dataDir },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    assert.equal(findPidByDataDir(dataDir), child.pid);
    assert.equal(findPidByDataDir(`${dataDir}_other`), undefined);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
});

Deno.test("parseSchedStat converts ns to ms", () => {
  assert.deepEqual(parseSchedStat("2000000 500000 7\n"), {
    runMs: 2,
    waitMs: 0.5,
  });
  assert.throws(() => parseSchedStat("garbage"), /schedstat/);
});

Deno.test("schedStat and cpuPressureMs read this machine", () => {
  assert.ok(schedStat(Deno.pid).runMs > 0);
  const pressure = cpuPressureMs();
  assert.ok(Number.isNaN(pressure) || pressure >= 0);
});
