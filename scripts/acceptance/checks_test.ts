/**
 * The acceptance checks against a fake cluster: all pass when it is
 * healthy, and each fails, with a message saying why, when the fault it
 * exists for is injected.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runAcceptance } from "./suite.ts";
import { type FakeFaults, startFakeCluster } from "./testing/fake_cluster.ts";
import type { TestResult } from "./types.ts";

/** Deadlines shrink 20×: the fake answers in microseconds. */
const TIME_SCALE = 0.05;

async function runAgainstFake(
  faults: FakeFaults,
  only?: string[],
  secret: string | null = "fake",
): Promise<Map<string, TestResult>> {
  const cluster = await startFakeCluster(faults);
  const results = new Map<string, TestResult>();
  try {
    await runAcceptance({
      endpoints: cluster.endpoints,
      secret: secret ?? undefined,
      bots: faults.noBot ? [] : [cluster.bot],
      only,
      timeScale: TIME_SCALE,
      onResult: (r) => results.set(r.name, r),
    });
  } finally {
    await cluster.close();
  }
  return results;
}

Deno.test("every check passes against a healthy fake cluster", async () => {
  const results = await runAgainstFake({});
  assert.equal(results.size, 9);
  for (const result of results.values()) {
    assert.ok(result.passed, `${result.name}: ${result.message}`);
  }
});

Deno.test("without disruptive, the skipped re-election and catch-up are partial passes", async () => {
  const cluster = await startFakeCluster({});
  const results: TestResult[] = [];
  try {
    const summary = await runAcceptance({
      endpoints: cluster.endpoints,
      secret: "fake",
      bots: [cluster.bot],
      only: ["servers", "election", "replication"],
      timeScale: TIME_SCALE,
      onResult: (r) => results.push(r),
    });
    const [servers, election, replication] = results;
    for (const partial of [election, replication]) {
      assert.equal(partial.passed, true, partial.message);
      assert.equal(partial.partial, true, partial.name);
      assert.match(partial.message, /not exercised \(not disruptive\)$/);
      assert.deepEqual(summary.tests[partial.name], {
        passed: true,
        message: partial.message,
        duration: partial.duration,
        partial: true,
      });
    }
    // A full pass keeps exactly the fixed fields.
    assert.equal(servers.passed, true, servers.message);
    assert.deepEqual(Object.keys(servers), [
      "name",
      "passed",
      "message",
      "duration",
    ]);
    assert.deepEqual(Object.keys(summary.tests[servers.name]), [
      "passed",
      "message",
      "duration",
    ]);
  } finally {
    await cluster.close();
  }
});

const CASES: [string, FakeFaults, string, RegExp][] = [
  ["an unstable rank", { unstableRank: true }, "reference", /keep its rank/],
  [
    "a server missing from the list",
    { unlisted: "server_2" },
    "servers",
    /missing server_2/,
  ],
  [
    "a server that does not run",
    { absent: "server_3" },
    "servers",
    /Not answering: server_3/,
  ],
  [
    "a server forgetting logins",
    { forgetsUsers: "server_2" },
    "client_services",
    /server_2: "users" lacks/,
  ],
  [
    "servers that disagree on the coordinator",
    { coordinators: { server_3: "server_3" } },
    "election",
    /server_3 → "server_3"/,
  ],
  [
    "a coordinator that is not the lowest rank",
    {
      coordinators: {
        server_1: "server_2",
        server_2: "server_2",
        server_3: "server_2",
      },
    },
    "election",
    /expected server_1/,
  ],
  ["no bot", { noBot: true }, "bots", /users outside the suite/],
  [
    "a bot that stopped (old messages only)",
    { botStopped: true },
    "bots",
    /no new message from bot_fake/,
  ],
  [
    "a bot that stopped (old messages only)",
    { botStopped: true },
    "bot_messages",
    /No live message/,
  ],
  ["no bot", { noBot: true }, "bot_messages", /No live message/],
  [
    "a bot publication on the wrong topic",
    { wrongTopic: true },
    "bot_messages",
    /on topic "fake_bot_channel" says channel/,
  ],
  [
    "a server that does not replicate",
    { isolated: "server_2" },
    "channels",
    /missing on server_2$/,
  ],
  [
    "a server that does not advance its clock",
    { staleClock: "server_2" },
    "lamport",
    /server_2's "users" reply has clock 0/,
  ],
  [
    "a server that does not replicate",
    { isolated: "server_2" },
    "replication",
    /server_2 does not list user/,
  ],
];

for (const [what, faults, id, expected] of CASES) {
  Deno.test(`check "${id}" fails against ${what}`, async () => {
    const results = await runAgainstFake(faults, [id]);
    assert.equal(results.size, 1);
    const [result] = results.values();
    assert.equal(
      result.passed,
      false,
      `${result.name} passed: ${result.message}`,
    );
    assert.match(result.message, expected);
  });
}

Deno.test("a bot posting only in a channel an earlier run left behind still counts", async () => {
  const results = await runAgainstFake({ botChannel: "acc_earlier_c3" }, [
    "bots",
    "bot_messages",
  ]);
  for (const result of results.values()) {
    assert.ok(result.passed, `${result.name}: ${result.message}`);
  }
});

Deno.test("without the secret, the coordinator is read from its announcements", async () => {
  const ok = await runAgainstFake(
    { statusNeedsAuth: true },
    ["election"],
    null,
  );
  const [passed] = ok.values();
  assert.ok(passed.passed, passed.message);
  assert.match(passed.message, /announced on topic servers/);
  const bad = await runAgainstFake(
    { statusNeedsAuth: true, announced: "server_2" },
    ["election"],
    null,
  );
  const [failed] = bad.values();
  assert.equal(failed.passed, false);
  assert.match(
    failed.message,
    /expected server_1; recent announcements name \["server_2"\]/,
  );
});

Deno.test("runAcceptance rejects a disruptive run without control", async () => {
  await assert.rejects(
    runAcceptance({
      endpoints: {
        reference: "tcp://127.0.0.1:1",
        proxySub: "tcp://127.0.0.1:1",
        servers: {},
      },
      disruptive: true,
    }),
    TypeError,
  );
  await assert.rejects(
    runAcceptance({
      endpoints: {
        reference: "tcp://127.0.0.1:1",
        proxySub: "tcp://127.0.0.1:1",
        servers: {},
      },
      only: ["nope"],
    }),
    /Unknown test id/,
  );
});

Deno.test("aborting stops the run and rejects with the reason", async () => {
  const cluster = await startFakeCluster({});
  try {
    const abort = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      runAcceptance({
        endpoints: cluster.endpoints,
        secret: "fake",
        bots: [cluster.bot],
        timeScale: TIME_SCALE,
        signal: abort.signal,
        onResult: (r) => {
          seen.push(r.name);
          abort.abort(new Error("stop here"));
        },
      }),
      /stop here/,
    );
    assert.equal(seen.length, 1);
  } finally {
    await cluster.close();
  }
});
