import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { availableSuites, replaceSection } from "./bench.ts";

Deno.test("replaceSection replaces a suite's section and leaves the others alone", () => {
  const doc =
    "# Benchmarks\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n";
  assertEquals(
    replaceSection(doc, "a", "new a\n"),
    "# Benchmarks\n\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\n\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n",
  );
});

Deno.test("replaceSection appends a suite that has no section yet", () => {
  assertEquals(
    replaceSection("# Benchmarks\n", "zmq", "figures"),
    "# Benchmarks\n\n<!-- bench:zmq -->\nfigures\n<!-- /bench:zmq -->\n",
  );
});

Deno.test("availableSuites lists suite modules, not peers or tests", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (
      const name of [
        "zmq.ts",
        "core.ts",
        "zmq_test.ts",
        "_helper.ts",
        "notes.md",
      ]
    ) Deno.writeTextFileSync(`${dir}/${name}`, "");
    Deno.mkdirSync(`${dir}/peers`);
    assertEquals(availableSuites(new URL(`file://${dir}/`)), ["core", "zmq"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
