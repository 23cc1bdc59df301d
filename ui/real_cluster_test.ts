/**
 * `RealCluster` against real reference, proxy and server processes
 * (`startLocalCluster`): chat sessions, the dashboard's status and events
 * through a coordinator failure and restart, and the acceptance suite.
 * Skipped (with a message) while `server/main.ts` does not exist.
 */

import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { AgoraClient } from "@agora/shared/client";
import { libraryInfo } from "@agora/shared/zmq";
import {
  freePorts,
  type LocalCluster,
  serverAvailable,
  startLocalCluster,
  waitFor,
} from "@agora/shared/client/testing";
import type {
  ChannelMessage,
  ClusterEvent,
  PrivateMessage,
  TestResult,
} from "./cluster.ts";
import { ClusterError } from "./cluster_error.ts";
import { DashboardHub } from "./dashboard_hub.ts";
import { RealCluster } from "./real_cluster.ts";

// libzmq is loaded once per process and never unloaded: load it before
// the tests, so the resource sanitizer does not count it against one.
libraryInfo();

if (!serverAvailable) {
  console.warn("real_cluster_test: server/main.ts is missing; skipping.");
}

/** Faster failure detection than the defaults, so the test stays short. */
const FAST = {
  heartbeatTimeoutMs: 1500,
  serverEnv: {
    AGORA_HEARTBEAT_INTERVAL_MS: "300",
    AGORA_BERKELEY_INTERVAL_MS: "2000",
    AGORA_ANTI_ENTROPY_INTERVAL_MS: "1000",
  },
};

function isClusterError(code: ClusterError["code"]) {
  return (error: unknown) =>
    error instanceof ClusterError && error.code === code;
}

Deno.test({
  name:
    "RealCluster over a real cluster: chat, dashboard through a re-election, acceptance suite",
  ignore: !serverAvailable,
  sanitizeResources: true,
  sanitizeOps: true,
  async fn(t) {
    const local: LocalCluster = await startLocalCluster({
      servers: 3,
      ...FAST,
    });
    const client = new AgoraClient({
      reference: local.reference,
      proxy: local.proxySub,
      timeoutMs: 1500,
    });
    const cluster = new RealCluster({
      client,
      reference: local.reference,
      proxySub: local.proxySub,
      statusTimeoutMs: 500,
      eventPollIntervalMs: 200,
    });
    const events: ClusterEvent[] = [];
    const watching = cluster.events((event) => events.push(event));
    // The web app's hub with no page open: it must still learn everything.
    const hub = new DashboardHub(cluster, {
      statusIntervalMs: 200,
      idleIntervalMs: 300,
      eventsKept: 200,
      samplesKept: 10,
      queueItems: 500,
    });
    hub.watch();
    /** Slack for comparing times measured on different clocks. */
    const slackSeconds = 0.25;
    /**
     * Waits until `name`'s ring was read past its election (a Berkeley
     * round it ran since), then checks the election was reported once,
     * before that round (its clocks moved onto the UI's, corrected), and
     * returns it.
     */
    const electedOnce = async (name: string, sinceSeconds: number) => {
      const round = await waitFor(
        () =>
          hub.recentEvents.find((e) =>
            e.type === "berkeley" && e.coordinator === name &&
            e.timestamp > sinceSeconds
          ),
        15_000,
        `a Berkeley round by ${name}`,
      );
      const elections = hub.recentEvents.filter((e) =>
        e.type === "election" && e.coordinator === name &&
        e.timestamp > sinceSeconds
      );
      equal(elections.length, 1, JSON.stringify(hub.recentEvents));
      equal(
        events.filter((e) =>
          e.type === "election" && e.coordinator === name &&
          e.timestamp > sinceSeconds
        ).length,
        1,
        JSON.stringify(events),
      );
      const times = hub.recentEvents.map((e) => e.timestamp);
      deepStrictEqual(times, [...times].sort((a, b) => a - b));
      ok(
        elections[0].timestamp <= round.timestamp + slackSeconds,
        JSON.stringify(hub.recentEvents),
      );
      return elections[0];
    };
    try {
      await t.step(
        "sessions chat on exact topics; private messages reach only their recipient",
        async () => {
          const ana = await cluster.login("ana");
          const lu = await cluster.login("Lu");
          const lucas = await cluster.login("Lucas");
          equal(ana.user, "ana");
          await ana.createChannel("plaza");
          await ana.createChannel("plaza_annex");
          await rejects(ana.createChannel("plaza"), isClusterError("rejected"));
          await rejects(
            lu.subscribe("no_such_channel", () => {}),
            (error) =>
              isClusterError("rejected")(error) &&
              /no_such/.test(String(error)),
          );

          const luSees: ChannelMessage[] = [];
          const luPrivate: PrivateMessage[] = [];
          const lucasPrivate: PrivateMessage[] = [];
          await lu.subscribe("plaza", (m) => luSees.push(m));
          await lu.subscribePrivate((m) => luPrivate.push(m));
          await lucas.subscribePrivate((m) => lucasPrivate.push(m));

          await ana.publish("plaza_annex", "not for plaza");
          await ana.publish("plaza", "hello plaza");
          await waitFor(() => luSees.length > 0, 5000, "the channel message");
          deepStrictEqual(luSees.map((m) => [m.channel, m.user, m.message]), [
            ["plaza", "ana", "hello plaza"],
          ]);

          const sent = await ana.sendPrivate("Lucas", "for Lucas only");
          equal(sent.src, "ana");
          equal(sent.dst, "Lucas");
          match(sent.id, /^server_\d:\d+$/);
          equal(sent.server, sent.id.split(":")[0]);
          await waitFor(() => lucasPrivate.length > 0, 5000, "Lucas's message");
          deepStrictEqual(lucasPrivate, [sent]);
          await ana.sendPrivate("Lu", "for Lu");
          await waitFor(() => luPrivate.length > 0, 5000, "Lu's message");
          deepStrictEqual(luPrivate.map((m) => m.message), ["for Lu"]);
          equal(lucasPrivate.length, 1, "Lucas got Lu's message");

          const history = await lu.history("plaza", { limit: 10 });
          deepStrictEqual(history.map((m) => m.message), ["hello plaza"]);
          deepStrictEqual(
            (await lucas.privateHistory("ana")).map((m) => m.id),
            [sent.id],
          );
          ok((await lu.users()).includes("Lucas"));
          ok((await lu.channels()).includes("plaza_annex"));

          // A closed session gets nothing more.
          await lu.close();
          await ana.publish("plaza", "after close");
          await ana.sendPrivate("Lu", "after close");
          await ana.close();
          await lucas.close();
          equal(luSees.length, 1);
          equal(luPrivate.length, 1);
        },
      );

      /** Servers by rank: the reference ranks them as they register. */
      let byRank: string[] = [];

      await t.step(
        "status lists every server with its clock, counts and replication",
        async () => {
          const status = await waitFor(
            async () => {
              const s = await cluster.status();
              return s.servers.length === 3 &&
                s.servers.every((x) => x.alive) &&
                s.coordinator === s.servers[0].name &&
                s.servers.every((x) => x.replication?.lagRecords === 0) && s;
            },
            10_000,
            "three live servers in sync, the lowest rank coordinating",
          );
          equal(status.referenceAlive, true);
          byRank = status.servers.map((s) => s.name);
          deepStrictEqual([...byRank].sort(), [
            "server_1",
            "server_2",
            "server_3",
          ]);
          deepStrictEqual(status.servers.map((s) => s.rank), [1, 2, 3]);
          for (const server of status.servers) {
            equal(server.listed, true);
            equal(server.coordinator, server.name === byRank[0]);
            equal(
              server.address,
              local.servers.find((s) => s.name === server.name)?.endpoint,
            );
            ok(typeof server.clockOffsetMs === "number");
            ok((server.lamportClock ?? 0) > 0);
            equal(server.counts?.messages, 3);
            equal(server.counts?.privateMessages, 3);
          }
        },
      );

      await t.step(
        "stopping the coordinator shows it down and the re-election",
        async () => {
          const [first, second] = byRank;
          events.length = 0;
          const stoppedSeconds = Date.now() / 1000;
          await local.stop(first);
          await waitFor(
            () =>
              events.some((e) =>
                e.type === "election" && e.coordinator === second
              ) &&
              events.some((e) =>
                e.type === "server_down" && e.server === first
              ),
            15_000,
            `an election of ${second} and ${first} down`,
          ).catch((error) => {
            throw new Error(
              `${error.message}; events: ${JSON.stringify(events)}`,
            );
          });
          const status = await waitFor(
            async () => {
              const s = await cluster.status();
              return s.coordinator === second && s;
            },
            10_000,
            `${second} as coordinator`,
          );
          const one = status.servers.find((s) => s.name === first);
          equal(one?.alive, false);
          equal(one?.coordinator, false);
          equal(one?.clockOffsetMs, null);
          const elected = await electedOnce(second, stoppedSeconds);
          // Down when it stopped answering, before its successor won.
          onlyEvent(
            hub.recentEvents,
            "server_down",
            first,
            stoppedSeconds,
            elected.timestamp + slackSeconds,
          );
        },
      );

      await t.step(
        "a restarted server comes back up, catches up and is elected again",
        async () => {
          const first = byRank[0];
          // Written while it is down: it must fetch this on return.
          const carol = await cluster.login("carol");
          await carol.publish("plaza", `while ${first} was down`);
          await carol.close();
          events.length = 0;
          const restartedSeconds = Date.now() / 1000;
          await local.restart(first);
          await waitFor(
            () =>
              events.some((e) =>
                e.type === "server_up" && e.server === first
              ) &&
              events.some((e) => e.type === "catch_up" && e.server === first) &&
              events.some((e) =>
                e.type === "election" && e.coordinator === first
              ),
            15_000,
            `${first} up, caught up and elected again`,
          ).catch((error) => {
            throw new Error(
              `${error.message}; events: ${JSON.stringify(events)}`,
            );
          });
          const elected = await electedOnce(first, restartedSeconds);
          // Stamped with its own start, not with a later poll: after the
          // restart began, before it was elected.
          onlyEvent(
            hub.recentEvents,
            "server_up",
            first,
            restartedSeconds,
            elected.timestamp + slackSeconds,
          );
        },
      );

      await t.step(
        "the acceptance suite runs in-process and streams its results",
        async () => {
          const results: TestResult[] = [];
          const only = ["reference", "servers", "client_services"];
          const suite = new RealCluster({
            client,
            reference: local.reference,
            proxySub: local.proxySub,
            tests: { only },
          });
          try {
            const summary = await suite.runTests((r) => results.push(r));
            equal(summary.total, 3);
            deepStrictEqual(
              results.map((r) => r.name),
              Object.keys(summary.tests),
            );
            for (const result of results) {
              ok(result.passed, `${result.name}: ${result.message}`);
            }
            equal(summary.passed, 3);

            const abort = new AbortController();
            abort.abort(new Error("stop now"));
            await rejects(suite.runTests(() => {}, abort.signal), /stop now/);
          } finally {
            await suite.close();
          }
        },
      );
    } finally {
      hub.close();
      watching.close();
      await cluster.close();
      await client.close();
      await local.close();
    }
  },
});

Deno.test("RealCluster with nothing reachable fails with sentences a person understands", async () => {
  const [referencePort, serverPort, proxyPort] = freePorts(3);
  const client = new AgoraClient({
    reference: `tcp://127.0.0.1:${referencePort}`,
    servers: [`tcp://127.0.0.1:${serverPort}`],
    proxy: `tcp://127.0.0.1:${proxyPort}`,
    timeoutMs: 100,
    maxAttempts: 1,
  });
  const cluster = new RealCluster({
    client,
    reference: `tcp://127.0.0.1:${referencePort}`,
    proxySub: `tcp://127.0.0.1:${proxyPort}`,
    servers: [`tcp://127.0.0.1:${serverPort}`],
    statusTimeoutMs: 100,
  });
  try {
    await rejects(
      cluster.status(),
      (error) =>
        isClusterError("unavailable")(error) &&
        /Neither the reference at tcp:\/\/127\.0\.0\.1:\d+ nor any chat server answered within 100 ms/
          .test((error as Error).message),
    );
    await rejects(
      cluster.login("ana"),
      (error) =>
        isClusterError("unavailable")(error) &&
        /No chat server answered in time/.test((error as Error).message),
    );
  } finally {
    await cluster.close();
  }
  await rejects(cluster.status(), /shutting down/);

  // Nothing configured at all: the status says what to set.
  const unconfigured = new RealCluster({ client, reference: "", proxySub: "" });
  try {
    await rejects(
      unconfigured.status(),
      /No chat server is configured: set AGORA_REFERENCE or AGORA_SERVERS/,
    );
  } finally {
    await unconfigured.close();
  }

  // Without configured servers and no reference, the suite has no target.
  const alone = new RealCluster({
    client,
    reference: `tcp://127.0.0.1:${referencePort}`,
    proxySub: `tcp://127.0.0.1:${proxyPort}`,
    statusTimeoutMs: 100,
  });
  try {
    await rejects(
      alone.runTests(() => {}),
      (error) =>
        isClusterError("unavailable")(error) &&
        /No chat server is known yet/.test((error as Error).message),
    );
  } finally {
    await alone.close();
    await client.close();
  }
});

/**
 * Asserts that `events` hold exactly one `type` event of `server`, stamped
 * within [fromSeconds, toSeconds].
 */
function onlyEvent(
  events: readonly { type: string; server?: string; timestamp: number }[],
  type: string,
  server: string,
  fromSeconds: number,
  toSeconds: number,
): void {
  const found = events.filter((e) => e.type === type && e.server === server);
  equal(found.length, 1, JSON.stringify(events));
  ok(
    found[0].timestamp >= fromSeconds && found[0].timestamp <= toSeconds,
    JSON.stringify(events),
  );
}
