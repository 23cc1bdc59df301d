import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { STACK_FILE_VERSION, toStackConfig } from "./stack_file.ts";

type Json = Record<string, unknown>;

// Keys of Compose file format 3.8, which `docker stack deploy` validates
// against; anything else fails the deploy.
const TOP_LEVEL_KEYS = [
  "version",
  "services",
  "networks",
  "volumes",
  "secrets",
  "configs",
];
const SERVICE_KEYS = [
  "cap_add",
  "cap_drop",
  "cgroup_parent",
  "command",
  "configs",
  "credential_spec",
  "deploy",
  "devices",
  "dns",
  "dns_search",
  "domainname",
  "entrypoint",
  "env_file",
  "environment",
  "expose",
  "external_links",
  "extra_hosts",
  "healthcheck",
  "hostname",
  "image",
  "init",
  "ipc",
  "isolation",
  "labels",
  "links",
  "logging",
  "mac_address",
  "network_mode",
  "networks",
  "pid",
  "ports",
  "privileged",
  "read_only",
  "secrets",
  "shm_size",
  "stdin_open",
  "stop_grace_period",
  "stop_signal",
  "sysctls",
  "tmpfs",
  "tty",
  "ulimits",
  "user",
  "userns_mode",
  "volumes",
  "working_dir",
];
const DEPLOY_KEYS = [
  "mode",
  "endpoint_mode",
  "replicas",
  "labels",
  "rollback_config",
  "update_config",
  "resources",
  "restart_policy",
  "placement",
];
const HEALTHCHECK_KEYS = [
  "disable",
  "interval",
  "retries",
  "test",
  "timeout",
  "start_period",
];

async function composeFile(): Promise<Json> {
  const url = new URL("../docker-compose.yml", import.meta.url);
  return parse(await Deno.readTextFile(url), { merge: true }) as Json;
}

function unknownKeys(value: unknown, allowed: string[], where: string) {
  return Object.keys(value as Json).filter((k) => !allowed.includes(k))
    .map((k) => `${where}: "${k}" is not Compose file format 3.8`);
}

Deno.test("toStackConfig() keeps docker-compose.yml within Compose file format 3.8", async () => {
  const stack = toStackConfig(await composeFile());
  const problems = unknownKeys(stack, TOP_LEVEL_KEYS, "top level");
  for (const [name, value] of Object.entries(stack.services as Json)) {
    const service = value as Json;
    problems.push(...unknownKeys(service, SERVICE_KEYS, name));
    problems.push(...unknownKeys(service.deploy ?? {}, DEPLOY_KEYS, name));
    problems.push(
      ...unknownKeys(service.healthcheck ?? {}, HEALTHCHECK_KEYS, name),
    );
  }
  assert.deepEqual(problems, []);
  assert.equal(stack.version, STACK_FILE_VERSION);
});

Deno.test("toStackConfig() keeps every service `up` starts, and their replicas", async () => {
  const compose = await composeFile();
  const stack = toStackConfig(compose);
  const services = stack.services as Record<string, Json>;
  assert.deepEqual(Object.keys(services).sort(), [
    "bot",
    "proxy",
    "reference",
    "server_1",
    "server_2",
    "server_3",
    "ui",
  ]);
  assert.equal((services.bot.deploy as Json).replicas, 2);
  assert.deepEqual(services.ui.ports, ["8080:8080"]);
  assert.deepEqual((services.server_2.deploy as Json).restart_policy, {
    condition: "any",
  });
  // Interpolation is left to `docker stack deploy`, on the manager.
  assert.match(
    String((services.server_1.environment as Json).AGORA_CLUSTER_SECRET),
    /^\$\{AGORA_CLUSTER_SECRET:-/,
  );
  assert.deepEqual((stack.networks as Json).default, {
    driver: "overlay",
    attachable: true,
  });
  assert.deepEqual(Object.keys(stack.volumes as Json).sort(), [
    "reference_data",
    "server_1_data",
    "server_2_data",
    "server_3_data",
  ]);
  // The source document is left as it was.
  assert.ok("depends_on" in ((compose.services as Json).ui as Json));
});

Deno.test("toStackConfig() pins services with named volumes only when asked", async () => {
  const stack = toStackConfig(await composeFile(), { pin: true });
  const services = stack.services as Record<string, Json>;
  const constraints = (name: string) =>
    ((services[name].deploy as Json).placement as Json | undefined)
      ?.constraints;
  assert.deepEqual(constraints("server_3"), [
    "node.labels.agora.server_3 == true",
  ]);
  assert.deepEqual(constraints("reference"), [
    "node.labels.agora.reference == true",
  ]);
  assert.equal(constraints("proxy"), undefined);
  assert.equal(constraints("bot"), undefined);
  const unpinned = toStackConfig(await composeFile()).services as Record<
    string,
    Json
  >;
  assert.equal((unpinned.server_3.deploy as Json).placement, undefined);
});

Deno.test("toStackConfig() rejects a service Swarm could not pull", () => {
  assert.throws(
    () => toStackConfig({ services: { web: { build: "." } } }),
    /Service "web" has no image/,
  );
});

Deno.test("stack_file.ts prints YAML that parses back to the stack", async () => {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env=LOG_STREAM,LOG_TOKENS",
      new URL("./stack_file.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const text = new TextDecoder().decode(stdout);
  assert.doesNotMatch(text, /&\w|\*\w/, "no YAML anchors or aliases");
  const printed = parse(text) as Json;
  assert.deepEqual(
    printed,
    parse(stringify(toStackConfig(await composeFile()))) as Json,
  );
});
