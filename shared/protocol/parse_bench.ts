/**
 * Hot-path costs of the protocol: `deno bench -A shared/protocol/parse_bench.ts`.
 * A server handles ~20k requests/s, so a parse should cost a few µs.
 */

import { encodeReply } from "./replies.ts";
import { encodeRequest, parseServerRequest } from "./requests.ts";

const stamp = { timestamp: 1764190000.5, clock: 42 };
const publish = encodeRequest("publish", {
  user: "ana",
  channel: "geral",
  message: "Olá a todos, esta é uma mensagem de tamanho típico.",
}, stamp);
const login = encodeRequest("login", { user: "ana" }, stamp);
const bigMessage = encodeRequest(
  "publish",
  { user: "ana", channel: "geral", message: "x".repeat(4000) },
  stamp,
);
const garbage = new Uint8Array(64).map((_, i) => (i * 37) & 0xff);

Deno.bench("parseServerRequest(publish, ~100 B)", () => {
  parseServerRequest(publish);
});

Deno.bench("parseServerRequest(login)", () => {
  parseServerRequest(login);
});

Deno.bench("parseServerRequest(publish, 4 KB)", () => {
  parseServerRequest(bigMessage);
});

Deno.bench("parseServerRequest(garbage)", () => {
  parseServerRequest(garbage);
});

Deno.bench("encodeReply(publish OK)", () => {
  encodeReply({ service: "publish", data: { status: "OK" } }, stamp);
});
