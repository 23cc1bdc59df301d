/**
 * Interop with the course's Python clients (pyzmq + msgpack): frames packed
 * by Python's msgpack parse here, and our replies unpack in Python.
 * Uses Debian's /usr/bin/python3, which has msgpack; skipped without it.
 */

import assert from "node:assert/strict";
import { parseReply } from "./parse_reply.ts";
import { encodeChannelPublication } from "./publications.ts";
import { encodeReply, errorReply, failureReply } from "./replies.ts";
import { parseServerRequest } from "./requests.ts";
import type { Reply } from "./types.ts";
import { skipUnless } from "../testing/prerequisite.ts";

const PYTHON = "/usr/bin/python3";

function hasPythonMsgpack(): boolean {
  try {
    return new Deno.Command(PYTHON, {
      args: ["-c", "import msgpack"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

const ignore = skipUnless(
  hasPythonMsgpack(),
  "Python msgpack",
  "apt-get install python3-msgpack",
);

async function python(script: string, input: string): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  assert.ok(success, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "requests packed by Python's msgpack parse",
  ignore,
  fn: async () => {
    const script = `
import msgpack, time
frames = [
  msgpack.packb({"service": "login", "data": {"user": "ana", "timestamp": time.time(), "clock": 1}}),
  msgpack.packb({"service": "login", "data": {"user": "ana", "timestamp": int(time.time()), "clock": 1.0}}),
  msgpack.packb({"service": "users", "data": {}}),
  msgpack.packb({"service": "publish", "data": {"user": "ana", "channel": "geral", "message": "olá 😀", "timestamp": time.time(), "clock": 2}}, use_bin_type=False),
  msgpack.packb({"service": "message", "data": {"src": "ana", "dst": "bia", "message": "x", "clock": None}}),
  msgpack.packb({"service": "history", "data": {"channel": "geral", "limit": 5, "before": "server_1:3"}}),
  msgpack.packb({"service": "login", "data": {"user": b"ana"}}),
  msgpack.packb({"service": "login", "data": {"user": "ana", "clock": 2**63}}),
  msgpack.packb({"service": "login", "data": {1: "ana"}}),
  msgpack.packb(["login", {"user": "ana"}]),
]
for f in frames:
  print(f.hex())
`;
    const lines = (await python(script, "")).trim().split("\n");
    const results = lines.map((line) => parseServerRequest(fromHex(line)));
    const summary = results.map((r) =>
      r.ok ? r.request.service : r.description
    );
    assert.equal(summary[0], "login");
    assert.equal(summary[1], "login");
    assert.equal(summary[2], "users");
    assert.equal(summary[3], "publish");
    if (results[3].ok && results[3].request.service === "publish") {
      assert.equal(results[3].request.data.message, "olá 😀");
    }
    assert.equal(summary[4], "message");
    assert.equal(summary[5], "history");
    assert.equal(summary[6], 'The field "user" must be a string.');
    assert.match(summary[7], /within ±\(2\^53 − 1\)/);
    assert.match(summary[8], /Map keys must be strings/);
    assert.match(summary[9], /must be a MessagePack map/);
  },
});

Deno.test({
  name: "our replies and publications unpack in Python",
  ignore,
  fn: async () => {
    const stamp = { timestamp: 1764190000.5, clock: 9 };
    const replies: Reply[] = [
      { service: "login", data: { status: "sucesso" } },
      failureReply("publish", 'The channel "x" does not exist.'),
      errorReply('Unknown service "x".', "message"),
      { service: "users", data: { users: ["ana", "bia"] } },
    ];
    const frames = replies.map((reply) => toHex(encodeReply(reply, stamp)));
    const [topic, payload] = encodeChannelPublication({
      id: "server_1:1",
      user: "ana",
      channel: "geral",
      message: "olá",
      timestamp: 1764190000.25,
      clock: 3,
      server: "server_1",
    });
    frames.push(toHex(payload));
    const script = `
import msgpack, sys, json
for line in sys.stdin.read().split():
  obj = msgpack.unpackb(bytes.fromhex(line), raw=False)
  print(json.dumps(obj, ensure_ascii=False))
`;
    const out = (await python(script, frames.join("\n"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(out[0], {
      service: "login",
      data: { status: "sucesso", ...stamp },
    });
    assert.equal(out[1].data.status, "erro");
    assert.equal(out[1].data.message, 'The channel "x" does not exist.');
    assert.equal(out[2].service, "error");
    assert.equal(out[2].data.message, out[2].data.description);
    assert.deepEqual(out[3].data.users, ["ana", "bia"]);
    assert.equal(out[4].message, "olá");
    assert.equal(new TextDecoder().decode(topic), "geral");
    // And the Python-decoded reply round-trips through our reply parser.
    assert.equal(parseReply(fromHex(frames[0]), "login").ok, true);
  },
});
