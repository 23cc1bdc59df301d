/**
 * Fuzzing of every parser: whatever the bytes, a parser returns either a
 * valid value or a valid error, and never throws. Deterministic: the seed
 * comes from AGORA_FUZZ_SEED (default below) and is printed on failure.
 */

import assert from "node:assert/strict";
import { decode, encode } from "@msgpack/msgpack";
import { checkMsgpack } from "./msgpack_check.ts";
import { MAX_NESTING_DEPTH } from "./limits.ts";
import { parseReply } from "./parse_reply.ts";
import { parsePublication } from "./publications.ts";
import { encodeReply } from "./replies.ts";
import {
  encodeRequest,
  parseReferenceRequest,
  parseServerRequest,
  type RequestResult,
} from "./requests.ts";
import {
  CLIENT_SERVICES,
  PEER_SERVICES,
  REFERENCE_SERVICES,
  type ReplyService,
  type Request,
  type RequestInput,
  type RequestService,
} from "./types.ts";
import { mulberry32 } from "../testing/prng.ts";

const DEFAULT_SEED = 0x5eed_a60a;
const stamp = { timestamp: 1764190000.5, clock: 42 };

function seedFromEnv(): number {
  try {
    const text = Deno.env.get("AGORA_FUZZ_SEED");
    return text === undefined ? DEFAULT_SEED : Number(text) >>> 0;
  } catch {
    return DEFAULT_SEED;
  }
}

function withSeed(name: string, body: (random: () => number) => void): void {
  Deno.test(name, () => {
    const seed = seedFromEnv();
    try {
      body(mulberry32(seed));
    } catch (error) {
      console.error(`${name}: failed with AGORA_FUZZ_SEED=${seed}`);
      throw error;
    }
  });
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

const SERVER_SERVICES = [...CLIENT_SERVICES, ...PEER_SERVICES];
const ALL_SERVICES: RequestService[] = [
  ...SERVER_SERVICES,
  ...REFERENCE_SERVICES,
];

/** One valid request per service, with every optional field set. */
const VALID: { [S in RequestService]: RequestInput<S> } = {
  login: { user: "ana" },
  users: {},
  channel: { channel: "geral", user: "ana" },
  channels: {},
  publish: { user: "ana", channel: "geral", message: "olá" },
  message: { src: "ana", dst: "bia", message: "oi" },
  history: { channel: "geral", limit: 10, before: "server_1:3" },
  private_history: { user1: "ana", user2: "bia", limit: 10, before: "s:1" },
  subscribe: { user: "ana", channel: "geral" },
  clock: { auth: "ab" },
  election: { rank: 1, name: "server_1", auth: "ab" },
  clock_adjust: { adjust: 0.5, auth: "ab" },
  sync: { origin: "server_1", after: 3, limit: 10, auth: "ab" },
  sync_state: { auth: "ab" },
  status: { auth: "ab" },
  rank: { user: "server_1", address: "tcp://127.0.0.1:5555" },
  list: {},
  heartbeat: { user: "server_1", address: "tcp://127.0.0.1:5555" },
};

function deepArray(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Values that break something somewhere. */
const WEIRD: unknown[] = [
  undefined, // the field removed
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 60,
  NaN,
  Infinity,
  -Infinity,
  "",
  " ",
  " x",
  "x ",
  "a\u0000b",
  "a\nb",
  "\u0085",
  "servers",
  "replication",
  "s:0",
  "s:1",
  "x".repeat(65),
  "é".repeat(33),
  "x".repeat(4097),
  "😀".repeat(1025),
  [],
  ["ana"],
  {},
  { user: "ana" },
  new Uint8Array([0x61, 0x6e, 0x61]),
  deepArray(40),
];

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 4 || roll < 0.5) {
    return pick(random, [
      () => pick(random, WEIRD),
      () => Math.floor(random() * 2000) - 1000,
      () => random() * 1e12,
      () =>
        String.fromCharCode(...randomBytes(random, Math.floor(random() * 12))),
      () =>
        pick(random, [
          "ana",
          "geral",
          "server_1",
          "server_1:7",
          "OK",
          "erro",
          "sucesso",
        ]),
      () => randomBytes(random, Math.floor(random() * 8)),
    ])();
  }
  if (roll < 0.75) {
    const list: unknown[] = [];
    const length = Math.floor(random() * 4);
    for (let i = 0; i < length; i++) list.push(randomValue(random, depth + 1));
    return list;
  }
  const map: Record<string, unknown> = {};
  const keys = Math.floor(random() * 5);
  for (let i = 0; i < keys; i++) {
    const key = pick(random, [
      "service",
      "data",
      "user",
      "channel",
      "message",
      "clock",
      "timestamp",
      "records",
      "messages",
      "constructor",
      "toString",
      "x",
    ]);
    map[key] = randomValue(random, depth + 1);
  }
  return map;
}

function encodeLoosely(value: unknown): Uint8Array | undefined {
  try {
    return encode(value, { ignoreUndefined: true, maxDepth: 200 });
  } catch {
    return undefined; // not encodable (e.g. too deep): nothing to test
  }
}

/** A failure must carry a well-formed, encodable spec error reply. */
function assertFailure(result: RequestResult<Request> & { ok: false }): void {
  assert.equal(typeof result.description, "string");
  assert.ok(result.description.length > 0);
  assert.ok(/[.]$/.test(result.description), result.description);
  assert.equal(result.reply.service, "error");
  assert.equal(result.reply.data.status, "erro");
  assert.equal(result.reply.data.description, result.description);
  if (result.clock !== undefined) {
    assert.ok(Number.isSafeInteger(result.clock) && result.clock >= 0);
  }
  const parsed = parseReply(encodeReply(result.reply, stamp), "error");
  assert.equal(parsed.ok, true);
}

/** A success must survive encode → parse unchanged (it is well-typed). */
function assertRequest(
  request: Request,
  parse: (frame: Uint8Array) => RequestResult<Request>,
): void {
  assert.ok(ALL_SERVICES.includes(request.service));
  const { timestamp: _t, clock: _c, ...data } = request.data as Record<
    string,
    unknown
  >;
  const again = parse(
    encodeRequest(request.service, data as RequestInput<RequestService>, stamp),
  );
  assert.equal(again.ok, true, again.ok ? "" : again.description);
  if (again.ok) {
    assert.deepEqual(again.request, {
      service: request.service,
      data: { ...data, ...stamp },
    });
  }
}

let accepted = 0;

function check(frame: unknown): void {
  if (
    frame instanceof Uint8Array &&
    checkMsgpack(frame, MAX_NESTING_DEPTH) === undefined
  ) {
    // What the check lets through, the library decodes without throwing.
    decode(frame);
  }
  for (const parse of [parseServerRequest, parseReferenceRequest]) {
    const result = (parse as (frame: unknown) => RequestResult<Request>)(frame);
    if (result.ok) {
      accepted++;
      assertRequest(
        result.request,
        parse as (frame: Uint8Array) => RequestResult<Request>,
      );
    } else assertFailure(result);
  }
}

withSeed("fuzz: random bytes never break the request parsers", (random) => {
  for (let i = 0; i < 4000; i++) {
    check(randomBytes(random, Math.floor(random() * 48)));
  }
});

withSeed(
  "fuzz: corrupted valid frames never break the request parsers",
  (random) => {
    accepted = 0;
    const frames = ALL_SERVICES.map((service) =>
      encodeRequest(
        service,
        VALID[service] as RequestInput<RequestService>,
        stamp,
      )
    );
    for (let i = 0; i < 6000; i++) {
      const bytes = pick(random, frames).slice();
      const edits = 1 + Math.floor(random() * 3);
      let frame = bytes;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * frame.length);
        const kind = random();
        if (kind < 0.5) frame[at] = Math.floor(random() * 256);
        else if (kind < 0.7) frame = frame.subarray(0, at);
        else if (kind < 0.85) frame[at] ^= 1 << Math.floor(random() * 8);
        else {
          const grown = new Uint8Array(frame.length + 1);
          grown.set(frame.subarray(0, at));
          grown[at] = Math.floor(random() * 256);
          grown.set(frame.subarray(at), at + 1);
          frame = grown;
        }
      }
      check(frame);
    }
    // Sanity: some corruptions still parse (e.g. a changed letter in a name).
    assert.ok(
      accepted > 100,
      `only ${accepted} corrupted frames were accepted`,
    );
  },
);

withSeed(
  "fuzz: random MessagePack values never break the request parsers",
  (random) => {
    for (let i = 0; i < 3000; i++) {
      const value = random() < 0.6
        ? {
          service: pick(random, [...ALL_SERVICES, "error", "x"]),
          data: randomValue(random, 1),
        }
        : randomValue(random, 0);
      const frame = encodeLoosely(value);
      if (frame !== undefined) check(frame);
    }
  },
);

withSeed("fuzz: every field of every service, mutated", () => {
  let failures = 0;
  for (const service of ALL_SERVICES) {
    const base: Record<string, unknown> = { ...VALID[service], ...stamp };
    const fields = [...Object.keys(base), "extra"];
    for (const field of fields) {
      for (const weird of WEIRD) {
        const data = { ...base, [field]: weird };
        if (weird === undefined) delete data[field];
        const frame = encodeLoosely({ service, data });
        if (frame === undefined) continue;
        check(frame);
        if (!parseServerRequest(frame).ok) failures++;
      }
    }
  }
  // Sanity: the mutations do hit validation.
  assert.ok(failures > 500, `only ${failures} mutations were refused`);
});

Deno.test("fuzz: the valid base requests are valid", () => {
  for (const service of ALL_SERVICES) {
    const frame = encodeRequest(
      service,
      VALID[service] as RequestInput<RequestService>,
      stamp,
    );
    const parse = (REFERENCE_SERVICES as readonly string[]).includes(service)
      ? parseReferenceRequest
      : parseServerRequest;
    const result = parse(frame);
    assert.equal(
      result.ok,
      true,
      `${service}: ${result.ok ? "" : result.description}`,
    );
  }
});

Deno.test("fuzz: huge, deep and non-map inputs", () => {
  const inputs: unknown[] = [
    encode({
      service: "publish",
      data: { user: "a", channel: "b", message: "x".repeat(10_000_000) },
    }),
    new Uint8Array(1 << 20),
    new Uint8Array([...new Array(100_000).fill(0x91), 0x00]),
    new Uint8Array([
      ...new Array(100_000).fill(0x81).flatMap(() => [0x81, 0xa1, 0x61]),
      0x00,
    ]),
    encode([]),
    encode(42),
    encode("login"),
    encode(null),
    encode(new Uint8Array(5)),
    undefined,
    null,
    "frame",
    42,
    [new Uint8Array(1)],
    new ArrayBuffer(4),
    new Uint16Array(2),
  ];
  for (const input of inputs) {
    check(input);
    for (
      const service of [
        "users",
        "sync",
        "history",
        "list",
        "status",
      ] as ReplyService[]
    ) {
      const parsed = parseReply(input, service);
      if (!parsed.ok) assert.equal(typeof parsed.description, "string");
    }
    const publication = parsePublication([
      new TextEncoder().encode("geral"),
      input,
    ]);
    assert.equal(publication.ok, false);
  }
});

withSeed("fuzz: replies and publications never throw", (random) => {
  const replyServices: ReplyService[] = [...ALL_SERVICES, "error"];
  const topics = ["geral", "ana", "servers", "replication"].map((t) =>
    new TextEncoder().encode(t)
  );
  for (let i = 0; i < 3000; i++) {
    const value = random() < 0.7
      ? { service: pick(random, replyServices), data: randomValue(random, 1) }
      : randomValue(random, 0);
    const frame = random() < 0.2
      ? randomBytes(random, 24)
      : encodeLoosely(value);
    if (frame === undefined) continue;
    const parsed = parseReply(frame, pick(random, replyServices));
    if (!parsed.ok) assert.ok(parsed.description.length > 0);
    const publication = parsePublication([
      pick(random, topics),
      encodeLoosely(randomValue(random, 0)) ?? frame,
    ]);
    if (!publication.ok) assert.ok(publication.description.length > 0);
    const rawTopic = parsePublication([randomBytes(random, 6), frame]);
    if (!rawTopic.ok) assert.ok(rawTopic.description.length > 0);
  }
});
