import assert from "node:assert/strict";
import type { StatusReport } from "./status_report.ts";
import { formatStatus } from "./status_table.ts";

function row(table: string, name: string): string[] {
  const line = table.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no row for ${name}`);
  return line.split(/\s{2,}/);
}

Deno.test("formatStatus() says stopped for a stopped server and a stopped bot", () => {
  const report: StatusReport = {
    root: "/r",
    services: [
      {
        name: "server_1",
        folder: "server",
        process: "running",
        pid: 42,
        endpoint: "tcp://127.0.0.1:5555",
        health: "ok",
        detail: "",
        rank: 1,
        coordinator: "server_1",
        clock: 7,
        listed: true,
      },
      {
        name: "server_2",
        folder: "server",
        process: "stopped",
        endpoint: "tcp://127.0.0.1:5565",
        health: "down",
        detail: "not running",
      },
      {
        name: "bot_1",
        folder: "bot",
        process: "stopped",
        endpoint: "-",
        health: "down",
        detail: "not running",
      },
      {
        name: "bot_2",
        folder: "bot",
        process: "running",
        pid: 43,
        endpoint: "-",
        health: "ok",
        detail: "last message 1 s ago, 5 sent",
      },
    ],
    referenceList: [{ name: "server_1", rank: 1 }],
    coordinator: "server_1",
    coordinatorViews: { server_1: "server_1" },
    endpoints: {} as StatusReport["endpoints"],
  };
  const table = formatStatus(report);
  assert.equal(row(table, "server_1")[3], "ok");
  assert.equal(row(table, "server_1")[5], "coordinator");
  assert.equal(row(table, "server_2")[3], "stopped");
  assert.equal(row(table, "bot_1")[3], "stopped");
  assert.equal(row(table, "bot_2")[3], "ok");
  assert.match(table, /bot_2 .*last message 1 s ago, 5 sent/);
  assert.match(table, /coordinator: server_1 \(agreed by server_1\)/);
});
