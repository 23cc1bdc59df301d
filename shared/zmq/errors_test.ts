import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { codeOfErrno, errnoTable, ZmqError } from "./errors.ts";
import { Publisher, Reply, Request } from "./mod.ts";
import { rejectsWith, throwsWith, waitFor } from "./_testing.ts";

Deno.test("errno values map to codes per platform", () => {
  const linux = errnoTable("linux");
  const darwin = errnoTable("darwin");
  assertEquals([codeOfErrno(98, linux), codeOfErrno(48, darwin)], [
    "EADDRINUSE",
    "EADDRINUSE",
  ]);
  assertEquals([codeOfErrno(11, linux), codeOfErrno(35, darwin)], [
    "EAGAIN",
    "EAGAIN",
  ]);
  assertEquals([codeOfErrno(22, linux), codeOfErrno(93, linux)], [
    "EINVAL",
    "EPROTONOSUPPORT",
  ]);
  assertEquals(codeOfErrno(156384712 + 51, linux), "EFSM");
  assertEquals(codeOfErrno(156384712 + 53, darwin), "ETERM");
  assertEquals(codeOfErrno(424242, linux), "EUNKNOWN");
});

Deno.test("ZmqError carries code, errno and endpoint", () => {
  const error = new ZmqError("Could not bind", {
    code: "EADDRINUSE",
    errno: 98,
    endpoint: "tcp://x:1",
  });
  assertEquals([error.name, error.code, error.errno, error.endpoint], [
    "ZmqError",
    "EADDRINUSE",
    98,
    "tcp://x:1",
  ]);
  assertEquals(new ZmqError("x", { code: "ECLOSED" }).errno, 0);
  assertEquals(error instanceof Error, true);
});

Deno.test("bind errors say what happened and where", async () => {
  const first = new Publisher();
  await first.bind("tcp://127.0.0.1:*");
  const second = new Publisher();
  try {
    const busy = await rejectsWith(
      () => second.bind(first.lastEndpoint),
      "EADDRINUSE",
    );
    assertEquals(busy.endpoint, first.lastEndpoint);
    assertEquals(busy.message.includes(first.lastEndpoint), true);
    assertEquals(busy.errno > 0, true);
    const bad = await rejectsWith(
      () => second.bind("tcp://127.0.0.1"),
      "EINVAL",
    );
    assertEquals(bad.message.includes('"tcp://127.0.0.1"'), true);
    await rejectsWith(
      () => second.bind("carrier-pigeon://x"),
      "EPROTONOSUPPORT",
    );
    await rejectsWith(
      () => second.bind("tcp://203.0.113.1:*"),
      "EADDRNOTAVAIL",
    );
    throwsWith(() => second.connect("nonsense"), "EINVAL");
    await rejectsWith(() => second.unbind("tcp://127.0.0.1:1"), "ENOENT");
  } finally {
    second.close();
    first.close();
  }
});

Deno.test("unbind and disconnect stop traffic on that endpoint", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const endpoint = rep.lastEndpoint;
  const req = new Request({ receiveTimeout: 5000 });
  req.connect(endpoint);
  try {
    req.disconnect(endpoint);
    await rep.unbind(endpoint);
    // Binding the same port again proves it was released (libzmq closes the
    // listener on its I/O thread, so it takes a moment).
    let rebound = false;
    await waitFor(
      () => {
        if (!rebound) rep.bind(endpoint).then(() => rebound = true, () => {});
        return rebound;
      },
      5000,
      "the port to be released",
    );
  } finally {
    req.close();
    rep.close();
  }
});
