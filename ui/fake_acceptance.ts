/**
 * The acceptance suite `FakeCluster.runTests` runs: real checks, through the
 * {@linkcode Cluster} interface only, of what the course's acceptance script
 * checks (reference list, coordinator, login, channels, private messages,
 * replication, clocks). The real suite lives in `scripts/`.
 *
 * @module
 */

import type { ChannelMessage, Cluster, PrivateMessage } from "./cluster.ts";
import { ClusterError } from "./cluster_error.ts";

/** One named check; it throws an `Error` saying what is wrong to fail. */
export interface AcceptanceTest {
  /** Unique name. */
  name: string;
  /** Runs the check; `runId` makes the names it creates unique per run. */
  run: (cluster: Cluster, runId: string) => Promise<void>;
}

/** Largest spread of live servers' clock offsets accepted, ms. */
export const OFFSET_SPREAD_MS_MAX = 50;

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The fake's acceptance suite, in run order. */
export const FAKE_ACCEPTANCE_TESTS: AcceptanceTest[] = [
  {
    name: "reference lists the live servers",
    async run(cluster) {
      const status = await cluster.status();
      check(status.referenceAlive, "The reference did not answer");
      check(status.reference.length > 0, "The reference list is empty");
      for (const entry of status.reference) {
        const server = status.servers.find((s) => s.name === entry.name);
        check(server?.alive === true, `Listed "${entry.name}" is not alive`);
      }
    },
  },
  {
    name: "one coordinator with the lowest live rank",
    async run(cluster) {
      const status = await cluster.status();
      const coordinators = status.servers.filter((s) => s.coordinator);
      check(
        coordinators.length === 1,
        `Expected one coordinator, found ${coordinators.length}`,
      );
      const lowest = status.servers.filter((s) => s.alive)
        .sort((a, b) => a.rank - b.rank)[0];
      check(
        coordinators[0].name === lowest?.name,
        `Coordinator is "${
          coordinators[0].name
        }", lowest live rank is "${lowest?.name}"`,
      );
    },
  },
  {
    name: "login creates the user",
    async run(cluster, runId) {
      const session = await cluster.login(`acc_${runId}_login`);
      try {
        const users = await session.users();
        check(users.includes(session.user), `"${session.user}" not in users`);
      } finally {
        await session.close();
      }
    },
  },
  {
    name: "channel messages arrive and keep their order",
    async run(cluster, runId) {
      const session = await cluster.login(`acc_${runId}_pub`);
      try {
        const channel = `acc_${runId}_channel`;
        await session.createChannel(channel);
        const received: ChannelMessage[] = [];
        const feed = await session.subscribe(channel, (m) => received.push(m));
        try {
          for (const text of ["one", "two", "three"]) {
            await session.publish(channel, text);
          }
        } finally {
          feed.close();
        }
        const history = await session.history(channel);
        const texts = history.map((m) => m.message).join(",");
        check(texts === "one,two,three", `History is "${texts}"`);
        check(
          history.every((m, i) => i === 0 || m.clock > history[i - 1].clock),
          "Lamport clocks do not increase along the history",
        );
        check(received.length === 3, `Received ${received.length} of 3`);
      } finally {
        await session.close();
      }
    },
  },
  {
    name: "private messages reach only their recipient",
    async run(cluster, runId) {
      const [a, b, c] = await Promise.all(
        ["a", "b", "c"].map((who) => cluster.login(`acc_${runId}_${who}`)),
      );
      try {
        const toB: PrivateMessage[] = [];
        const toC: PrivateMessage[] = [];
        const feeds = [
          await b.subscribePrivate((m) => toB.push(m)),
          await c.subscribePrivate((m) => toC.push(m)),
        ];
        try {
          await a.sendPrivate(b.user, "secret");
        } finally {
          for (const feed of feeds) feed.close();
        }
        check(toB.length === 1, `Recipient got ${toB.length} messages`);
        check(toC.length === 0, "A third user saw the private message");
        const history = await b.privateHistory(a.user);
        check(
          history.some((m) => m.message === "secret"),
          "The message is missing from the private history",
        );
      } finally {
        await Promise.all([a, b, c].map((session) => session.close()));
      }
    },
  },
  {
    name: "invalid names are rejected",
    async run(cluster) {
      let rejected = false;
      try {
        const session = await cluster.login(" padded ");
        await session.close();
      } catch (error) {
        rejected = error instanceof ClusterError && error.code === "rejected";
      }
      check(rejected, 'Login as " padded " was not rejected');
    },
  },
  {
    name: "live replicas hold the same records",
    async run(cluster) {
      const status = await cluster.status();
      for (const server of status.servers.filter((s) => s.alive)) {
        const lag = server.replication?.lagRecords ?? -1;
        check(lag === 0, `"${server.name}" lags ${lag} records`);
      }
    },
  },
  {
    name: "physical clocks agree after Berkeley",
    async run(cluster) {
      const status = await cluster.status();
      const offsets = status.servers.flatMap((s) =>
        s.clockOffsetMs === null ? [] : [s.clockOffsetMs]
      );
      const spreadMs = Math.max(...offsets) - Math.min(...offsets);
      check(
        spreadMs <= OFFSET_SPREAD_MS_MAX,
        `Clock offsets spread ${
          spreadMs.toFixed(1)
        } ms (max ${OFFSET_SPREAD_MS_MAX})`,
      );
    },
  },
  {
    name: "every known server is alive",
    async run(cluster) {
      const status = await cluster.status();
      const down = status.servers.filter((s) => !s.alive).map((s) => s.name);
      check(down.length === 0, `Not answering: ${down.join(", ")}`);
    },
  },
];
