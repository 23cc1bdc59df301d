import assert from "node:assert/strict";
import { Reply, Router, ZmqError } from "@agora/shared/zmq";
import { RpcClient } from "./rpc_client.ts";

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("concurrent calls to a ROUTER are matched by id, even out of order", async () => {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const rpc = new RpcClient(router.lastEndpoint, { timeoutMs: 2000 });
  const serving = (async () => {
    const held: Uint8Array[][] = [];
    for await (const frames of router) {
      held.push(frames);
      if (held.length < 3) continue;
      // Answer in reverse order, echoing the envelope.
      for (const f of held.reverse()) {
        await router.send([
          ...f.slice(0, -1),
          text(`re:${read(f[f.length - 1])}`),
        ]);
      }
      held.length = 0;
    }
  })();
  try {
    const replies = await Promise.all(
      ["a", "b", "c"].map((s) => rpc.call(text(s))),
    );
    assert.deepEqual(replies.map(read), ["re:a", "re:b", "re:c"]);
  } finally {
    rpc.close();
    router.close();
    await serving;
  }
});

Deno.test("works against a REP (the reference) and times out cleanly", async () => {
  const rep = new Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:*");
  const rpc = new RpcClient(rep.lastEndpoint, { timeoutMs: 200 });
  let answer = true;
  const serving = (async () => {
    for await (const [frame] of rep) {
      if (!answer) break; // a REP that never answers
      await rep.send(text(`re:${read(frame)}`));
    }
  })();
  try {
    assert.equal(read(await rpc.call(text("x"))), "re:x");
    answer = false;
    await assert.rejects(
      rpc.call(text("y")),
      (e: unknown) => e instanceof ZmqError && e.code === "ETIMEDOUT",
    );
    assert.equal(rpc.inFlight, 0);
  } finally {
    rpc.close();
    rep.close();
    await serving;
  }
  await assert.rejects(
    rpc.call(text("z")),
    (e: unknown) => e instanceof ZmqError && e.code === "ECLOSED",
  );
});

Deno.test("a dead endpoint fails by timeout, not by hanging", async () => {
  const rpc = new RpcClient("tcp://127.0.0.1:9", { timeoutMs: 100 });
  try {
    await assert.rejects(rpc.call(text("x")), ZmqError);
  } finally {
    rpc.close();
  }
});

Deno.test("a timeout resets the socket: the others in flight fail as ECLOSED, only the late one as ETIMEDOUT", async () => {
  // A ROUTER that never answers: the first request times out first.
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const rpc = new RpcClient(router.lastEndpoint, { timeoutMs: 5000 });
  try {
    const early = rpc.call(text("early"), 100);
    const later = rpc.call(text("later"), 5000);
    await assert.rejects(
      early,
      (e: unknown) => e instanceof ZmqError && e.code === "ETIMEDOUT",
    );
    // The coordinator must not be declared dead on this one's account.
    await assert.rejects(
      later,
      (e: unknown) => e instanceof ZmqError && e.code === "ECLOSED",
    );
  } finally {
    rpc.close();
    router.close();
  }
});
