import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Reply, Request } from "./mod.ts";
import { rejectsWith, texts, within } from "./_testing.ts";

async function pair(): Promise<{ rep: Reply; req: Request }> {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request({ receiveTimeout: 5000 });
  req.connect(rep.lastEndpoint);
  return { rep, req };
}

Deno.test("REQ/REP round trips text and bytes", async () => {
  const { rep, req } = await pair();
  try {
    for (let i = 0; i < 20; i++) {
      await req.send(`ping ${i}`);
      const [request] = await rep.receive();
      await rep.send([request, new Uint8Array([i])]);
      const reply = await req.receive();
      assertEquals(new TextDecoder().decode(reply[0]), `ping ${i}`);
      assertEquals(reply[1], new Uint8Array([i]));
    }
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("multipart messages keep empty frames and large frames intact", async () => {
  const { rep, req } = await pair();
  try {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    await req.send(["", "a", new Uint8Array(0), big, ""]);
    const frames = await rep.receive();
    assertEquals(frames.length, 5);
    assertEquals(texts([frames[0], frames[1], frames[2], frames[4]]), [
      "",
      "a",
      "",
      "",
    ]);
    assertEquals(frames[3], big);
    await rep.send(frames);
    assertEquals((await req.receive())[3], big);
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("bind with :* reports the real port in lastEndpoint", async () => {
  const rep = new Reply();
  try {
    assertEquals(rep.lastEndpoint, "");
    await rep.bind("tcp://127.0.0.1:*");
    const match = rep.lastEndpoint.match(/^tcp:\/\/127\.0\.0\.1:(\d+)$/);
    assertEquals(match !== null && Number(match[1]) > 0, true);
  } finally {
    rep.close();
  }
});

Deno.test("receive rejects with ETIMEDOUT after receiveTimeout, and the socket stays usable", async () => {
  const rep = new Reply({ receiveTimeout: 30 });
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request({ receiveTimeout: 5000 });
  req.connect(rep.lastEndpoint);
  try {
    const started = performance.now();
    await rejectsWith(() => rep.receive(), "ETIMEDOUT");
    assertEquals(performance.now() - started >= 25, true);
    await req.send("late");
    rep.receiveTimeout = 5000;
    assertEquals(texts(await rep.receive()), ["late"]);
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("a REQ cannot send twice in a row (EFSM)", async () => {
  const { rep, req } = await pair();
  try {
    await req.send("one");
    await rejectsWith(() => req.send("two"), "EFSM");
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("relaxed REQ may resend after a lost reply", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request({
    relaxed: true,
    correlate: true,
    receiveTimeout: 30,
  });
  req.connect(rep.lastEndpoint);
  try {
    await req.send("first");
    await rep.receive(); // never answered
    await rejectsWith(() => req.receive(), "ETIMEDOUT");
    assertEquals(req.relaxed && req.correlate, true);
    await rep.send("stale reply"); // REP must answer before reading again
    await req.send("second");
    assertEquals(texts(await rep.receive()), ["second"]);
    await rep.send("fresh");
    req.receiveTimeout = 5000;
    assertEquals(texts(await req.receive()), ["fresh"]);
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("a REQ cannot receive before sending (EFSM)", async () => {
  const { rep, req } = await pair();
  try {
    await rejectsWith(() => req.receive(), "EFSM");
  } finally {
    req.close();
    rep.close();
  }
});

Deno.test("closing rejects pending receives with ECLOSED and ends iteration", async () => {
  const { rep, req } = await pair();
  await req.send("never answered");
  const pending = req.receive();
  const idle = new Reply();
  await idle.bind("tcp://127.0.0.1:*");
  const iteration = (async () => {
    let count = 0;
    for await (const _ of idle) count++;
    return count;
  })();
  req.close();
  await rejectsWith(() => pending, "ECLOSED");
  idle.close();
  assertEquals(await within(iteration, 2000, "iteration to end"), 0);
  await rejectsWith(() => idle.receive(), "ECLOSED");
  await rejectsWith(() => idle.send("x"), "ECLOSED");
  idle.close(); // twice is fine
  rep.close();
});

Deno.test("a REP serves many concurrent REQ clients", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const server = (async () => {
    for await (const [body] of rep) await rep.send(["echo", body]);
  })();
  const clients = Array.from({ length: 8 }, () => {
    const req = new Request({ receiveTimeout: 5000 });
    req.connect(rep.lastEndpoint);
    return req;
  });
  try {
    await Promise.all(clients.map(async (req, c) => {
      for (let i = 0; i < 25; i++) {
        await req.send(`${c}:${i}`);
        assertEquals(texts(await req.receive()), ["echo", `${c}:${i}`]);
      }
    }));
  } finally {
    for (const req of clients) req.close();
    rep.close();
    await server;
  }
});
