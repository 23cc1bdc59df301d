/**
 * Interoperability with a course-style Python client (pyzmq + msgpack, no
 * agora code): `testdata/interop_client.py` runs the whole chat flow
 * against a real server and proxy.
 */

import { commandWorks, skipUnless } from "@agora/shared/testing/prerequisite";
import assert from "node:assert/strict";
import { startCluster } from "./testing/cluster.ts";

const SCRIPT = new URL("./testdata/interop_client.py", import.meta.url)
  .pathname;
const PYTHON = "/usr/bin/python3";

Deno.test({
  name: "a Python pyzmq + msgpack client uses every basic service",
  ignore: skipUnless(
    commandWorks(PYTHON, ["-c", "import zmq, msgpack"]),
    "pyzmq",
    "apt-get install python3-zmq python3-msgpack",
  ),
}, async () => {
  const cluster = await startCluster({ servers: 1 });
  try {
    const output = await new Deno.Command(PYTHON, {
      args: [SCRIPT, cluster.server("server_1").endpoint, cluster.proxySub],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `${stdout}\n${stderr}`);
    const seen = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(seen.users, ["py_ana", "py_bia"]);
    assert.deepEqual(seen.channels, ["py_room"]);
    assert.equal(seen.channel_publication.channel, "py_room");
    assert.equal(seen.channel_publication.server, "server_1");
    assert.equal(seen.private_publication.user, "py_ana");
    assert.equal(seen.private_publication.message, "oi bia");
    // A retried post with its request_id is one post: the same id twice.
    assert.equal(seen.keyed_ids.length, 2);
    assert.equal(seen.keyed_ids[0], seen.keyed_ids[1]);
  } finally {
    await cluster.stop();
  }
});
