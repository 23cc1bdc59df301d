/**
 * Hostile input: thousands of malformed or hostile frames never crash the
 * server nor change its stored state (the digest), every request gets a
 * reply, and each well-formed-but-bad one gets an error. Seeded: the seed
 * is in the failure message.
 */

import assert from "node:assert/strict";
import {
  CLIENT_SERVICES,
  encodeValue,
  PEER_SERVICES,
} from "@agora/shared/protocol";
import { Prng } from "@agora/shared/testing/prng";
import { Dealer, Request } from "@agora/shared/zmq";
import { startCluster } from "./testing/cluster.ts";
import { decodeReply, waitFor } from "./testing/client.ts";

const SEED = 20261126;
const FRAMES = 12_000;
const WINDOW = 64;

const SERVICES = [
  ...CLIENT_SERVICES,
  ...PEER_SERVICES,
  "rank",
  "list",
  "",
  "Login",
  "x".repeat(300),
];

const FIELDS = [
  "user",
  "channel",
  "message",
  "src",
  "dst",
  "limit",
  "before",
  "user1",
  "user2",
  "adjust",
  "origin",
  "after",
  "auth",
  "clock",
  "timestamp",
  "rank",
  "name",
  "__proto__",
  "constructor",
];

/** A hostile value of any type. */
function junkValue(rng: Prng, depth = 0): unknown {
  switch (rng.int(0, 12)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([
        0,
        -1,
        1.5,
        NaN,
        Infinity,
        -Infinity,
        2 ** 53,
        -(2 ** 63),
        1e308,
      ]);
    case 3:
      return rng.int(-1000, 1_000_000);
    case 4:
      return "";
    case 5:
      return rng.pick([
        "ana",
        "geral",
        "servers",
        " x",
        "a\u0000b",
        "\ud800",
        "é".repeat(40),
      ]);
    case 6:
      return "y".repeat(rng.int(60, 70_000));
    case 7:
      return new Uint8Array(rng.int(0, 64));
    case 8:
      return depth > 3 ? [] : Array.from(
        { length: rng.int(0, 4) },
        () => junkValue(rng, depth + 1),
      );
    case 9: {
      if (depth > 3) return {};
      const map: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) {
        setOwn(map, rng.pick(FIELDS), junkValue(rng, depth + 1));
      }
      return map;
    }
    case 10:
      return deepNest(rng.int(10, 90));
    case 11:
      return rng.pick([
        "server_1:1",
        "server_1:0",
        "x:99999999999999999",
        ":1",
      ]);
    default:
      return rng.float(-1e6, 1e6);
  }
}

/** Sets an own property, even one named "__proto__". */
function setOwn(map: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(map, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A frame that is not a valid request (or a valid request that must fail). */
function junkFrame(rng: Prng): { frames: Uint8Array[]; wellFormed: boolean } {
  const kind = rng.int(0, 9);
  if (kind === 0) {
    const bytes = new Uint8Array(rng.int(0, 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
    return { frames: [bytes], wellFormed: false };
  }
  if (kind === 1) return { frames: [new Uint8Array(0)], wellFormed: false };
  if (kind === 2) {
    return { frames: [encodeValue(junkValue(rng))], wellFormed: false };
  }
  if (kind === 3) {
    // Multipart junk before the body: the envelope is echoed back.
    const extra = Array.from(
      { length: rng.int(1, 3) },
      () => new Uint8Array(rng.int(0, 8)).fill(rng.int(0, 255)),
    );
    return {
      frames: [
        ...extra,
        encodeValue({ service: rng.pick(SERVICES), data: junkValue(rng) }),
      ],
      wellFormed: false,
    };
  }
  if (kind === 4) {
    return {
      frames: [encodeValue({ service: junkValue(rng), data: {} })],
      wellFormed: false,
    };
  }
  if (kind === 5) {
    // Well-formed requests that must be refused by the handlers.
    const bad = rng.pick([
      {
        service: "publish",
        data: { user: "ana", channel: "nope", message: "x" },
      },
      {
        service: "publish",
        data: { user: "ghost", channel: "geral", message: "x" },
      },
      { service: "message", data: { src: "ghost", dst: "ana", message: "x" } },
      { service: "message", data: { src: "ana", dst: "ghost", message: "x" } },
      { service: "channel", data: { channel: "geral" } },
      { service: "channel", data: { channel: "ana" } },
      { service: "login", data: { user: "geral" } },
      { service: "subscribe", data: { user: "ghost", channel: "geral" } },
      { service: "history", data: { channel: "nope" } },
      { service: "history", data: { channel: "geral", before: "server_7:3" } },
      { service: "sync", data: { origin: "server_1", after: 0 } },
      { service: "sync_state", data: {} },
      { service: "clock_adjust", data: { adjust: 100, auth: "f".repeat(64) } },
      { service: "nope", data: {} },
    ]);
    return { frames: [encodeValue(bad)], wellFormed: true };
  }
  const data: Record<string, unknown> = {};
  for (let i = rng.int(0, 5); i > 0; i--) {
    setOwn(data, rng.pick(FIELDS), junkValue(rng));
  }
  // Anything that could change state is kept unable to: a junk "user" etc.
  // may be valid by chance, so state-changing services get an invalid one.
  const service = rng.pick(SERVICES.filter((s) => s !== "clock_adjust"));
  if (
    ["login", "channel", "publish", "message", "subscribe"].includes(service)
  ) {
    data.user = rng.pick(["", " x", 5, null, "servers"]);
    data.channel = rng.pick(["", " y", [], "replication"]);
    data.src = rng.pick(["", 7, {}]);
  }
  return { frames: [encodeValue({ service, data })], wellFormed: false };
}

function tag(id: number): Uint8Array {
  const frame = new Uint8Array(4);
  new DataView(frame.buffer).setUint32(0, id);
  return frame;
}

Deno.test({
  name:
    `hostile frames never crash the server nor change its state (seed ${SEED})`,
  async fn() {
    const cluster = await startCluster({ servers: 1 });
    const dealer = new Dealer({ linger: 0, receiveTimeout: 10_000 });
    try {
      const call = (s: string, d: Record<string, unknown>) =>
        cluster.call("server_1", s, d);
      await call("login", { user: "ana" });
      await call("channel", { channel: "geral" });
      await call("publish", {
        user: "ana",
        channel: "geral",
        message: "before",
      });
      const before = await cluster.status("server_1");

      dealer.connect(cluster.server("server_1").endpoint);
      const rng = new Prng(SEED);
      let replies = 0;
      let errors = 0;
      let wellFormedErrors = 0;
      let wellFormedSent = 0;
      for (let base = 0; base < FRAMES; base += WINDOW) {
        const window = new Map<number, ReturnType<typeof junkFrame>>();
        for (let i = 0; i < WINDOW && base + i < FRAMES; i++) {
          const junk = junkFrame(rng);
          window.set(base + i, junk);
          if (junk.wellFormed) wellFormedSent++;
          // A tag frame first: the server echoes every frame before the body.
          await dealer.send([tag(base + i), ...junk.frames]);
        }
        for (let i = window.size; i > 0; i--) {
          const frames = await dealer.receive();
          const id = new DataView(frames[0].buffer, frames[0].byteOffset)
            .getUint32(0);
          const junk = window.get(id);
          assert.ok(junk, `seed ${SEED}: a reply for request ${id}`);
          window.delete(id);
          assert.equal(
            frames.length,
            junk.frames.length + 1,
            `seed ${SEED}: the envelope is echoed`,
          );
          const reply = decodeReply(frames[frames.length - 1]);
          replies++;
          if (reply.data.status === "erro") {
            errors++;
            if (junk.wellFormed) wellFormedErrors++;
          }
        }
      }
      assert.equal(replies, FRAMES, `seed ${SEED}`);
      assert.equal(wellFormedErrors, wellFormedSent, `seed ${SEED}`);
      assert.ok(errors > FRAMES * 0.8, `seed ${SEED}: ${errors} errors`);

      // Oversized frames drop their own connection only.
      const big = new Request({ linger: 0, receiveTimeout: 300 });
      big.connect(cluster.server("server_1").endpoint);
      await big.send(new Uint8Array(2 * 1024 * 1024));
      await assert.rejects(big.receive());
      big.close();

      const after = await waitFor(
        "the server to answer",
        () => cluster.status("server_1"),
      );
      assert.equal(after.digest, before.digest, `seed ${SEED}: state changed`);
      assert.deepEqual(after.counts, before.counts, `seed ${SEED}`);
      assert.ok(cluster.server("server_1").running, "the server is alive");
      const ok = await call("publish", {
        user: "ana",
        channel: "geral",
        message: "after",
      });
      assert.equal(ok.data.status, "OK");
    } finally {
      dealer.close();
      await cluster.stop();
    }
  },
});
