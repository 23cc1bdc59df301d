import assert from "node:assert/strict";
import { SERVICES } from "../services.ts";
import { serviceWaves } from "./waves.ts";

Deno.test("serviceWaves() orders the topology by dependencies", () => {
  const names = serviceWaves(SERVICES).map((w) => w.map((s) => s.name));
  assert.deepEqual(names, [
    ["reference", "proxy"],
    ["server_1", "server_2", "server_3"],
    ["bot_1", "bot_2", "ui"],
  ]);
});

Deno.test("serviceWaves() treats dependencies outside the set as running", () => {
  const only = SERVICES.filter((s) => s.name === "server_2" || s.name === "ui");
  const names = serviceWaves(only).map((w) => w.map((s) => s.name));
  assert.deepEqual(names, [["server_2"], ["ui"]]);
});

Deno.test("serviceWaves() refuses a cycle", () => {
  assert.throws(
    () =>
      serviceWaves([
        { name: "a", dependsOn: ["b"] },
        { name: "b", dependsOn: ["a"] },
      ]),
    /Dependency cycle/,
  );
});
