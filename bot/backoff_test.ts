/**
 * The bot's waits after failures: 250 ms doubling up to 5 s, reset only by
 * a published message (a `channels` call that succeeds before a step that
 * always fails must not keep the bot retrying at full speed). A fake
 * cluster client and an injected sleep that records the waits.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type AgoraClient, AgoraError } from "@agora/shared/client";
import { createLogger } from "@agora/shared/log";
import { runBot } from "./bot.ts";

const PACE_MS = 7;

interface FakeSteps {
  /** Whether the n-th (0-based) `subscribe` succeeds. */
  subscribe: (n: number) => boolean;
  /** Whether the n-th (0-based) `publish` succeeds. */
  publish: (n: number) => boolean;
}

function _refused(service: string): AgoraError {
  return new AgoraError("disk full", {
    code: "rejected",
    service,
    description: "disk full",
  });
}

/** A cluster with one channel whose subscribe/publish follow `steps`. */
function _fakeClient(steps: FakeSteps): AgoraClient {
  let subscribes = 0;
  let publishes = 0;
  return {
    currentServer: "tcp://127.0.0.1:1",
    login: () => Promise.resolve(),
    channels: () => Promise.resolve(["general"]),
    createChannel: () => Promise.resolve(),
    subscribe: () =>
      steps.subscribe(subscribes++)
        ? Promise.resolve()
        : Promise.reject(_refused("subscribe")),
    publish: () =>
      steps.publish(publishes++)
        ? Promise.resolve({ id: `server_1:${publishes}` })
        : Promise.reject(_refused("publish")),
    onPrivate: () => ({ close() {} }),
    onChannel: () => ({ close() {} }),
  } as unknown as AgoraClient;
}

/** Runs a bot on `steps` until it has waited `count` times; the waits. */
async function _waits(steps: FakeSteps, count: number): Promise<number[]> {
  const waits: number[] = [];
  const stop = new AbortController();
  const log = createLogger({ service: "bot", file: false, stdout: false });
  try {
    await runBot({
      client: _fakeClient(steps),
      user: "bot_amber_0001",
      paceMs: PACE_MS,
      log,
      signal: stop.signal,
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        if (waits.length >= count) stop.abort();
        return Promise.resolve();
      },
    });
  } finally {
    await log.close();
  }
  return waits;
}

Deno.test("a bot whose subscribe keeps failing backs off up to 5 s", async () => {
  assertEquals(
    await _waits({ subscribe: () => false, publish: () => true }, 8),
    [250, 500, 1000, 2000, 4000, 5000, 5000, 5000],
  );
});

Deno.test("a bot whose publish keeps failing backs off up to 5 s", async () => {
  assertEquals(
    await _waits({ subscribe: () => true, publish: () => false }, 7),
    [250, 500, 1000, 2000, 4000, 5000, 5000],
  );
});

Deno.test("a published message resets the backoff", async () => {
  // Publish: fails, fails, succeeds, then fails for good.
  assertEquals(
    await _waits({ subscribe: () => true, publish: (n) => n === 2 }, 6),
    [250, 500, PACE_MS, 250, 500, 1000],
  );
});
