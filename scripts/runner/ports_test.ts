import assert from "node:assert/strict";
import { SERVICES } from "../services.ts";
import { portEnvName, resolvePorts } from "./ports.ts";

Deno.test("resolvePorts() keeps the topology's defaults", () => {
  const ports = resolvePorts(SERVICES);
  assert.deepEqual(ports.reference, { rep: 5559 });
  assert.deepEqual(ports.proxy, { xsub: 5557, xpub: 5558 });
  assert.deepEqual(ports.server_2, { rep: 5565 });
  assert.deepEqual(ports.bot_1, {});
  assert.deepEqual(ports.ui, { http: 8080 });
});

Deno.test("resolvePorts() lays a block out from the base port", () => {
  const ports = resolvePorts(SERVICES, { basePort: 7000 });
  assert.deepEqual(ports.reference, { rep: 7000 });
  assert.deepEqual(ports.proxy, { xsub: 7001, xpub: 7002 });
  assert.deepEqual(
    [ports.server_1.rep, ports.server_2.rep, ports.server_3.rep],
    [7003, 7004, 7005],
  );
  assert.deepEqual(ports.ui, { http: 7006 });
  const fromEnv = resolvePorts(SERVICES, { env: { AGORA_BASE_PORT: "9000" } });
  assert.equal(fromEnv.reference.rep, 9000);
});

Deno.test("resolvePorts() applies environment then explicit overrides", () => {
  const ports = resolvePorts(SERVICES, {
    basePort: 7000,
    env: { AGORA_PORT_UI: "9090", AGORA_PORT_SERVER_2_REP: "9191" },
    overrides: { ui: { http: 9292 } },
  });
  assert.equal(ports.server_2.rep, 9191);
  assert.equal(ports.ui.http, 9292);
  assert.equal(portEnvName("server_2", "rep"), "AGORA_PORT_SERVER_2_REP");
  assert.equal(portEnvName("ui"), "AGORA_PORT_UI");
});

Deno.test("resolvePorts() refuses bad and shared ports", () => {
  assert.throws(
    () => resolvePorts(SERVICES, { env: { AGORA_PORT_UI: "80a" } }),
    /AGORA_PORT_UI="80a" is not a port number/,
  );
  assert.throws(
    () => resolvePorts(SERVICES, { basePort: 65533 }),
    /not between 1 and 65535/,
  );
  assert.throws(
    () => resolvePorts(SERVICES, { env: { AGORA_PORT_UI: "5559" } }),
    /Port 5559 is given to both reference rep and ui http/,
  );
});
