import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import { Reply } from "@agora/shared/zmq";
import { main, probeHealth } from "./healthcheck.ts";

const SHORT_TIMEOUT_MS = 300;

/** Binds a REP socket that answers one request with `reply`. */
async function answerOnce(reply: unknown) {
  const rep = new Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:*");
  const served = (async () => {
    await rep.receive();
    await rep.send(encode(reply));
  })();
  return {
    endpoint: rep.lastEndpoint,
    async close() {
      await served;
      rep.close();
    },
  };
}

/** A TCP port nothing listens on (bound once, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("probeHealth() accepts a server that lists its channels", async () => {
  const server = await answerOnce({
    service: "channels",
    data: { channels: ["general"], timestamp: 1, clock: 3 },
  });
  try {
    const seen = await probeHealth("server", [server.endpoint]);
    assert.match(seen, /answered "channels"/);
  } finally {
    await server.close();
  }
});

Deno.test("probeHealth() accepts a reference that lists its servers", async () => {
  const reference = await answerOnce({
    service: "list",
    data: { list: [{ name: "server_1", rank: 1 }], timestamp: 1, clock: 2 },
  });
  try {
    assert.match(
      await probeHealth("reference", [reference.endpoint]),
      /answered "list"/,
    );
  } finally {
    await reference.close();
  }
});

Deno.test("probeHealth() rejects an error reply or a reply without the list", async () => {
  for (
    const reply of [
      { service: "error", data: { status: "erro", channels: [] } },
      { service: "channels", data: { status: "sucesso" } },
      "not a map",
    ]
  ) {
    const server = await answerOnce(reply);
    try {
      await assert.rejects(
        probeHealth("server", [server.endpoint]),
        /gave no "channels" list/,
      );
    } finally {
      await server.close();
    }
  }
});

Deno.test("probeHealth() gives up on a silent endpoint after its timeout", async () => {
  const endpoint = `tcp://127.0.0.1:${closedPort()}`;
  const startedMs = performance.now();
  await assert.rejects(
    probeHealth("reference", [endpoint], SHORT_TIMEOUT_MS),
    /Asking reference at .* failed/,
  );
  assert.ok(performance.now() - startedMs < SHORT_TIMEOUT_MS + 1000);
});

Deno.test("probeHealth() checks that every TCP endpoint accepts a connection", async () => {
  const a = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const b = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const endpoints = [a, b].map((l) =>
    `tcp://127.0.0.1:${(l.addr as Deno.NetAddr).port}`
  );
  try {
    assert.match(await probeHealth("tcp", endpoints), /accepts connections/);
    await assert.rejects(
      probeHealth("tcp", [...endpoints, `tcp://127.0.0.1:${closedPort()}`]),
      /Connecting to .* failed/,
    );
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("probeHealth() wants a 2xx answer over HTTP", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new URL(request.url).pathname === "/healthz"
        ? new Response("ok")
        : new Response("no", { status: 503 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assert.match(await probeHealth("http", [`${base}/healthz`]), /200/);
    await assert.rejects(probeHealth("http", [`${base}/other`]), /503/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("main() fails with a reason on bad input instead of throwing", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    assert.equal(await main([]), 1);
    assert.equal(await main(["dns", "tcp://127.0.0.1:1"]), 1);
    assert.equal(await main(["server"]), 1);
    assert.equal(await main(["server", "127.0.0.1:5555"]), 1);
    assert.equal(await main(["tcp", "tcp://127.0.0.1:99999"]), 1);
    assert.equal(await main(["http", "ftp://example"]), 1);
  } finally {
    console.error = original;
  }
  assert.equal(errors.filter((e) => e.startsWith("usage:")).length, 3);
  assert.ok(errors.some((e) => e.includes(`Bad endpoint "127.0.0.1:5555"`)));
  assert.ok(errors.some((e) => e.includes(`Bad URL "ftp://example"`)));
});

Deno.test("healthcheck.ts exits 0 when healthy and 1 when not, as Docker expects", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const run = (endpoint: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-ffi",
        "--allow-env",
        "--allow-read",
        new URL("./healthcheck.ts", import.meta.url).pathname,
        "tcp",
        endpoint,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const healthy = await run(`tcp://127.0.0.1:${port}`);
    assert.equal(healthy.code, 0, new TextDecoder().decode(healthy.stderr));
    assert.match(new TextDecoder().decode(healthy.stdout), /^healthy: /);
    const sick = await run(`tcp://127.0.0.1:${closedPort()}`);
    assert.equal(sick.code, 1);
    assert.match(new TextDecoder().decode(sick.stderr), /^unhealthy: /);
  } finally {
    listener.close();
  }
});
