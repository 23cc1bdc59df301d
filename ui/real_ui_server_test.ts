/**
 * The UI server without a cluster: it serves, says the cluster is
 * unreachable in words, refuses a taken port, and `main.ts` checks its
 * options. (With a cluster, `e2e_test.ts` drives it end to end.)
 */

import { equal, match, rejects } from "node:assert/strict";
import { freePorts, waitFor } from "@agora/shared/client/testing";
import { libraryInfo } from "@agora/shared/zmq";
import { startRealUi } from "./real_ui_server.ts";

// libzmq is loaded once per process and never unloaded: load it before
// the tests, so the resource sanitizer does not count it against one.
libraryInfo();

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** A UI whose reference and proxy nobody answers, on free ports. */
function uiWithoutCluster(options: { maxStreams?: number } = {}) {
  const [referencePort, proxyPort] = freePorts(2);
  return startRealUi({
    port: 0,
    hostname: "127.0.0.1",
    reference: `tcp://127.0.0.1:${referencePort}`,
    servers: [],
    proxySub: `tcp://127.0.0.1:${proxyPort}`,
    statusTimeoutMs: 100,
    ...options,
    assets: () => Promise.resolve(null),
  });
}

Deno.test("the UI serves /healthz and explains an unreachable cluster", async () => {
  const ui = await uiWithoutCluster();
  try {
    const health = await fetch(`${ui.url}/healthz`);
    equal(health.status, 200);
    equal((await health.json()).status, "ok");
    const status = await fetch(`${ui.url}/api/cluster/status`);
    equal(status.status, 503);
    match(
      (await status.json()).error,
      /Neither the reference at tcp:\/\/127\.0\.0\.1:\d+ nor any chat server answered/,
    );
  } finally {
    await ui.shutdown();
  }
  await ui.shutdown(); // idempotent
});

Deno.test("a browser disconnecting gives its event stream slot back", async () => {
  const ui = await uiWithoutCluster({ maxStreams: 1 });
  const url = `${ui.url}/api/cluster/stream`;
  try {
    const leaving = new AbortController();
    const first = await fetch(url, { signal: leaving.signal });
    equal(first.status, 200);
    const reader = first.body!.getReader();
    await reader.read(); // the stream is really open
    const refused = await fetch(url);
    equal(refused.status, 503);
    equal(refused.headers.get("retry-after"), "5");
    match((await refused.json()).error, /Too many event streams/);

    leaving.abort();
    await reader.read().catch(() => undefined);
    // The server notices the closed connection on its own schedule: poll.
    const status = await waitFor(
      async () => {
        const next = await fetch(url);
        await next.body?.cancel();
        return next.status === 200 && next.status;
      },
      5000,
      "the stream's slot to be given back",
    );
    equal(status, 200);
  } finally {
    await ui.shutdown();
  }
});

Deno.test("the UI refuses a port that is taken, releasing everything", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await rejects(
      startRealUi({
        port: (listener.addr as Deno.NetAddr).port,
        hostname: "127.0.0.1",
        reference: "",
        servers: [],
        proxySub: "",
      }),
      Deno.errors.AddrInUse,
    );
  } finally {
    listener.close();
  }
});

Deno.test("main.ts prints --help and refuses disruptive tests without commands", async () => {
  const logDir = await Deno.makeTempDir({ prefix: "agora_ui_main_" });
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", `--config=${CONFIG}`, "-A", MAIN, ...args],
      env: { AGORA_LOG_DIR: logDir },
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const help = await run(["--help"]);
    equal(help.code, 0);
    match(new TextDecoder().decode(help.stdout), /--disruptive-tests/);
    const refused = await run(["--disruptive-tests", "--port", "0"]);
    equal(refused.code, 2);
    match(
      new TextDecoder().decode(refused.stderr),
      /--disruptive-tests needs --stop-command and --start-command/,
    );
    const bad = await run(["--port", "70000"]);
    equal(bad.code, 2);
  } finally {
    await Deno.remove(logDir, { recursive: true });
  }
});

Deno.test("a loopback UI refuses a foreign Host name (DNS rebinding)", async () => {
  const ui = await uiWithoutCluster();
  try {
    const port = new URL(ui.url).port;
    // fetch() sets Host from the URL; a raw request can carry any name.
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(port),
    });
    try {
      await conn.write(
        new TextEncoder().encode(
          `GET /healthz HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
        ),
      );
      const chunks: Uint8Array[] = [];
      const buffer = new Uint8Array(4096);
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        chunks.push(buffer.slice(0, n));
      }
      const text = new TextDecoder().decode(
        new Uint8Array(chunks.flatMap((c) => [...c])),
      );
      match(text, /^HTTP\/1\.1 421/);
    } finally {
      conn.close();
    }
    const health = await fetch(`${ui.url}/healthz`);
    equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await ui.shutdown();
  }
});
