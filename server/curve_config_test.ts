import assert from "node:assert/strict";
import {
  curveKeyProblem,
  curveKeysFrom,
  defaultPeerBind,
  peerRoutes,
} from "./curve_config.ts";

const PUBLIC = "^CrjaezwE^<(bDXHFAX*ziRr:F0!nS<.!Bh.WJBQ";
const SECRET = "mA)M42fuGEj/$nih$yKc9%HnAf6}Fsq#ttw?8T@N";

Deno.test("curveKeysFrom: off without keys, a pair with both", () => {
  assert.equal(curveKeysFrom(undefined, undefined), undefined);
  assert.deepEqual(curveKeysFrom(PUBLIC, SECRET), {
    publicKey: PUBLIC,
    secretKey: SECRET,
  });
});

Deno.test("curveKeysFrom: one key alone, a bad length or character is refused", () => {
  assert.throws(() => curveKeysFrom(PUBLIC, undefined), /needs both/);
  assert.throws(() => curveKeysFrom(undefined, SECRET), /needs both/);
  assert.throws(
    () => curveKeysFrom(PUBLIC.slice(1), SECRET),
    /--curve-public-key must be 40 Z85 characters, got 39/,
  );
  assert.throws(
    () => curveKeysFrom(PUBLIC, `${SECRET.slice(0, 39)}"`),
    /--curve-secret-key holds "\\"", which is not a Z85 character/,
  );
  assert.throws(() => curveKeysFrom(PUBLIC, PUBLIC), /must differ/);
  assert.equal(curveKeyProblem(SECRET, "x"), undefined);
  assert.match(curveKeyProblem(" ".repeat(40), "x") ?? "", /not a Z85/);
});

Deno.test("defaultPeerBind: the next port on the same host", () => {
  assert.equal(defaultPeerBind("tcp://*:5555"), "tcp://*:5556");
  assert.equal(defaultPeerBind("tcp://10.0.0.2:7000"), "tcp://10.0.0.2:7001");
  assert.equal(defaultPeerBind("tcp://127.0.0.1:*"), "tcp://127.0.0.1:*");
  assert.throws(() => defaultPeerBind("ipc:///tmp/x"), /give --peer-bind/);
  assert.throws(() => defaultPeerBind("tcp://*:65535"), /give --peer-bind/);
});

Deno.test("peerRoutes: with CURVE, listed peer sockets replace addresses", () => {
  const endpoints = new Set(["tcp://old:1"]);
  const list = [
    { name: "a", rank: 1, address: "tcp://a:1", peer_address: "tcp://a:2" },
    { name: "b", rank: 2, address: "tcp://b:1" },
  ];
  assert.deepEqual(peerRoutes(list, true, endpoints), [
    { name: "a", rank: 1, address: "tcp://a:2", peer_address: "tcp://a:2" },
    { name: "b", rank: 2, address: "tcp://b:1" },
  ]);
  assert.deepEqual([...endpoints], ["tcp://a:2"]);
  assert.deepEqual(peerRoutes(list, false, endpoints), list);
  assert.equal(endpoints.size, 0);
});
