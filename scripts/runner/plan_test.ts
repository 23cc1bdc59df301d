import assert from "node:assert/strict";
import { SERVICES } from "../services.ts";
import { buildPlan, clientEnv } from "./plan.ts";
import { resolvePorts } from "./ports.ts";

function plan(parentEnv: Record<string, string> = {}) {
  return buildPlan(SERVICES, resolvePorts(SERVICES, { basePort: 7000 }), {
    repo: "/src",
    root: "/run",
    deno: "/bin/deno",
    secret: "s3cret",
    parentEnv,
  });
}

Deno.test("buildPlan() gives each service least-privilege flags", () => {
  const { services } = plan();
  const by = Object.fromEntries(services.map((s) => [s.name, s]));
  for (const s of services) {
    assert.ok(!s.argv.includes("-A") && !s.argv.includes("--allow-all"));
    assert.equal(s.argv[0], "/bin/deno");
    assert.ok(s.argv.includes("--config=/src/deno.json"));
    assert.equal(s.entry, `/src/${s.folder}/main.ts`);
  }
  assert.ok(
    by.reference.argv.includes(
      "--allow-write=/run/data/reference,/run/logs",
    ),
  );
  assert.ok(by.proxy.argv.includes("--allow-write=/run/logs"));
  assert.ok(
    by.server_2.argv.includes("--allow-read=/run/data/server_2,/run/logs"),
  );
  assert.ok(by.ui.argv.includes("--allow-net=127.0.0.1:7006"));
  assert.ok(by.ui.argv.includes("--allow-read=/run/logs,/src/ui"));
  assert.ok(!by.server_1.argv.some((a) => a.startsWith("--allow-net")));
  assert.deepEqual(by.bot_1.argv.slice(-3), [
    "/src/bot/main.ts",
    "--user",
    "bot_1",
  ]);
});

Deno.test("buildPlan() wires endpoints, names and the secret", () => {
  const { services, endpoints } = plan();
  const by = Object.fromEntries(services.map((s) => [s.name, s]));
  assert.deepEqual(endpoints, {
    reference: "tcp://127.0.0.1:7000",
    proxyPub: "tcp://127.0.0.1:7001",
    proxySub: "tcp://127.0.0.1:7002",
    servers: {
      server_1: "tcp://127.0.0.1:7003",
      server_2: "tcp://127.0.0.1:7004",
      server_3: "tcp://127.0.0.1:7005",
    },
    ui: "http://127.0.0.1:7006/",
  });
  assert.equal(by.server_3.env.AGORA_SERVER_NAME, "server_3");
  assert.equal(by.server_3.env.AGORA_BIND, "tcp://127.0.0.1:7005");
  assert.equal(by.server_3.env.AGORA_ADVERTISE, "tcp://127.0.0.1:7005");
  assert.equal(by.server_3.env.AGORA_CLUSTER_SECRET, "s3cret");
  assert.equal(by.server_3.env.AGORA_DATA_DIR, "/run/data/server_3");
  assert.equal(by.reference.env.AGORA_BIND, "tcp://127.0.0.1:7000");
  assert.equal(by.proxy.env.AGORA_XPUB_BIND, "tcp://127.0.0.1:7002");
  assert.equal(by.ui.env.AGORA_HTTP_PORT, "7006");
  assert.equal(by.bot_2.env.AGORA_SERVERS, clientEnv(endpoints).AGORA_SERVERS);
  for (const name of ["reference", "proxy", "bot_1", "ui"]) {
    assert.equal(by[name].env.AGORA_CLUSTER_SECRET, undefined, name);
  }
  assert.deepEqual(by.proxy.probe.kind, "tcp");
  assert.deepEqual(by.server_1.probe, {
    kind: "server",
    targets: ["tcp://127.0.0.1:7003"],
  });
  assert.equal(by.bot_1.probe.kind, "log");
  assert.equal(by.bot_1.outFile, "/run/logs/bot_1.out");
});

Deno.test("buildPlan() filters the parent environment", () => {
  const { services } = plan({
    PATH: "/bin",
    HOME: "/home/x",
    DENO_DIR: "/cache",
    AGORA_LOG_LEVEL: "debug",
    AGORA_BIND: "tcp://*:1",
    AGORA_CLUSTER_SECRET: "leak",
    AWS_SECRET_ACCESS_KEY: "nope",
  });
  const reference = services.find((s) => s.name === "reference")!;
  assert.equal(reference.env.PATH, "/bin");
  assert.equal(reference.env.DENO_DIR, "/cache");
  assert.equal(reference.env.AGORA_LOG_LEVEL, "debug");
  assert.equal(reference.env.AGORA_BIND, "tcp://127.0.0.1:7000");
  assert.equal(reference.env.AGORA_CLUSTER_SECRET, undefined);
  assert.equal(reference.env.AWS_SECRET_ACCESS_KEY, undefined);
});

Deno.test("buildPlan() gives the CURVE keypair to the servers only", () => {
  const { services } = plan({
    AGORA_CURVE_PUBLIC_KEY: "public",
    AGORA_CURVE_SECRET_KEY: "secret",
    AGORA_PEER_BIND: "tcp://*:1",
  });
  for (const service of services) {
    const isServer = service.name.startsWith("server_");
    assert.equal(
      service.env.AGORA_CURVE_SECRET_KEY,
      isServer ? "secret" : undefined,
      service.name,
    );
    assert.equal(
      service.env.AGORA_CURVE_PUBLIC_KEY,
      isServer ? "public" : undefined,
    );
    assert.equal(
      service.env.AGORA_PEER_BIND,
      isServer ? "tcp://127.0.0.1:*" : undefined,
      "an ephemeral peer port, never the parent's",
    );
  }
});

Deno.test("buildPlan() names the bots to the ui's tests page", () => {
  const { services } = plan();
  const ui = services.find((s) => s.folder === "ui")!;
  assert.equal(ui.env.AGORA_TEST_BOTS, "bot_1,bot_2");
  for (const s of services.filter((s) => s.folder !== "ui")) {
    assert.equal(s.env.AGORA_TEST_BOTS, undefined, s.name);
  }
});
