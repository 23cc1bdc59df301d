/**
 * `runCheck`: how a check's outcome becomes a result — a note, a partial
 * pass, a failure — without a cluster (the checks here touch none).
 *
 * @module
 */

import assert from "node:assert/strict";
import { LamportClock } from "@agora/shared/lamport";
import type { RunSettings } from "./context.ts";
import { runCheck } from "./suite.ts";
import type { AcceptanceCheck } from "./types.ts";

const SETTINGS: RunSettings = {
  endpoints: {
    reference: "tcp://127.0.0.1:1",
    proxySub: "tcp://127.0.0.1:1",
    servers: {},
  },
  disruptive: false,
  bots: [],
  botsExpected: 1,
  runId: "unit",
  timeScale: 1,
  clock: new LamportClock(),
};

function checkOf(run: AcceptanceCheck["run"]): AcceptanceCheck {
  return { id: "unit", name: "a unit check", timeoutMs: 1000, run };
}

Deno.test("runCheck: a note is a full pass with only the fixed fields", async () => {
  const result = await runCheck(
    checkOf(() => Promise.resolve("all verified")),
    SETTINGS,
  );
  assert.deepEqual(
    { ...result, duration: 0 },
    {
      name: "a unit check",
      passed: true,
      message: "all verified",
      duration: 0,
    },
  );
  assert.equal("partial" in result, false);
});

Deno.test("runCheck: a partial pass passes and says so in `partial`", async () => {
  const result = await runCheck(
    checkOf(() =>
      Promise.resolve({ message: "half verified", partial: true as const })
    ),
    SETTINGS,
  );
  assert.deepEqual({ ...result, duration: 0 }, {
    name: "a unit check",
    passed: true,
    message: "half verified",
    duration: 0,
    partial: true,
  });
});

Deno.test("runCheck: a failure is never partial", async () => {
  const result = await runCheck(
    checkOf(() => Promise.reject(new Error("broken"))),
    SETTINGS,
  );
  assert.equal(result.passed, false);
  assert.equal(result.message, "broken");
  assert.equal("partial" in result, false);
});
