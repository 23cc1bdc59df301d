import assert from "node:assert/strict";
import { probeOnce, waitReady } from "./readiness.ts";

async function logFile(lines: unknown[]): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(
    path,
    lines.map((l) => typeof l === "string" ? l : JSON.stringify(l)).join("\n") +
      "\n",
  );
  return path;
}

Deno.test("a log probe finds its event, skipping lines it cannot parse", async () => {
  const path = await logFile(["not json", { event: "listening" }, {
    event: "registered",
    rank: 1,
  }]);
  try {
    const said = await probeOnce(
      { kind: "log", targets: [path], event: "registered" },
      1000,
    );
    assert.match(said, /logged "registered"/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a log probe with several events is satisfied by any of them", async () => {
  // A server started while the reference is down logs reference_down once
  // its registration goes unanswered; `up` stops waiting for "registered".
  const path = await logFile([{ event: "listening" }, {
    event: "reference_down",
  }]);
  try {
    const said = await probeOnce(
      {
        kind: "log",
        targets: [path],
        event: ["registered", "reference_down"],
      },
      1000,
    );
    assert.match(said, /logged "reference_down"/);
    await assert.rejects(
      probeOnce({ kind: "log", targets: [path], event: "registered" }, 1000),
      /no "registered" line yet/,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a log probe ignores what was logged before the process started", async () => {
  const path = await logFile([{ event: "registered" }]);
  try {
    const before = (await Deno.stat(path)).size;
    await Deno.writeTextFile(
      path,
      JSON.stringify({ event: "listening" }) + "\n",
      {
        append: true,
      },
    );
    await assert.rejects(
      probeOnce(
        {
          kind: "log",
          targets: [path],
          event: ["registered", "reference_down"],
        },
        1000,
        { logSizeBefore: before },
      ),
      /no "registered" or "reference_down" line yet/,
    );
    // Found as soon as it is appended, well before the deadline.
    const waiting = waitReady(
      { kind: "log", targets: [path], event: ["registered", "reference_down"] },
      {
        name: "server_1",
        timeoutMs: 10_000,
        alive: () => Promise.resolve(true),
        outFile: path,
        logSizeBefore: before,
      },
    );
    await Deno.writeTextFile(
      path,
      JSON.stringify({ event: "reference_down" }) + "\n",
      { append: true },
    );
    await waiting;
  } finally {
    await Deno.remove(path);
  }
});
