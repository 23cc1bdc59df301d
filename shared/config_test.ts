import assert from "node:assert/strict";
import {
  type ConfigOf,
  defineOptions,
  helpText,
  parseConfig,
} from "./config.ts";

const spec = defineOptions({
  name: {
    type: "string",
    env: "AGORA_SERVER_NAME",
    required: true,
    description: "Server name",
  },
  port: {
    type: "number",
    integer: true,
    min: 0,
    max: 65535,
    env: "AGORA_PORT",
    default: 5555,
    description: "Port of the REP socket",
  },
  timeoutMs: { type: "number", description: "Request timeout" },
  servers: { type: "list", env: "AGORA_SERVERS", description: "Other servers" },
  dataDir: {
    type: "string",
    env: "AGORA_DATA_DIR",
    default: "data",
    description: "Data directory",
  },
  verbose: {
    type: "boolean",
    short: "v",
    env: "AGORA_VERBOSE",
    description: "Log more",
  },
});

function config(
  args: string[],
  env: Record<string, string> = {},
): ConfigOf<typeof spec> {
  const result = parseConfig(spec, { args, env });
  assert.equal(
    result.kind,
    "config",
    result.kind === "error" ? result.message : "",
  );
  return (result as { config: ConfigOf<typeof spec> }).config;
}

function error(args: string[], env: Record<string, string> = {}): string {
  const result = parseConfig(spec, { args, env });
  assert.equal(result.kind, "error");
  return (result as { message: string }).message;
}

Deno.test("parseConfig() applies defaults", () => {
  assert.deepEqual(config(["--name", "s1"]), {
    name: "s1",
    port: 5555,
    timeoutMs: undefined,
    servers: [],
    dataDir: "data",
    verbose: false,
  });
});

Deno.test("parseConfig(): flags beat environment, environment beats defaults", () => {
  const env = {
    AGORA_SERVER_NAME: "env",
    AGORA_PORT: "6000",
    AGORA_SERVERS: "tcp://a:1, tcp://b:2,",
    AGORA_VERBOSE: "yes",
  };
  assert.deepEqual(config([], env), {
    name: "env",
    port: 6000,
    timeoutMs: undefined,
    servers: ["tcp://a:1", "tcp://b:2"],
    dataDir: "data",
    verbose: true,
  });
  const flags = config([
    "--name=flag",
    "--port",
    "7000",
    "--servers",
    "tcp://c:3",
    "--servers",
    "tcp://d:4,tcp://e:5",
    "--no-verbose",
    "--data-dir",
    "/tmp/x",
    "--timeout-ms",
    "2.5",
  ], env);
  assert.deepEqual(flags, {
    name: "flag",
    port: 7000,
    timeoutMs: 2.5,
    servers: ["tcp://c:3", "tcp://d:4", "tcp://e:5"],
    dataDir: "/tmp/x",
    verbose: false,
  });
  assert.equal(config(["--name", "x", "-v"]).verbose, true);
});

Deno.test("parseConfig() explains bad values", () => {
  assert.equal(
    error([]),
    "Missing required option --name or AGORA_SERVER_NAME.",
  );
  assert.equal(
    error(["--name", "x", "--port", "abc"]),
    'Invalid value "abc" for --port: expected an integer.',
  );
  assert.equal(
    error(["--name", "x", "--port", "1.5"]),
    'Invalid value "1.5" for --port: expected an integer.',
  );
  assert.equal(
    error(["--name", "x"], { AGORA_PORT: "70000" }),
    'Invalid value "70000" for AGORA_PORT: expected an integer from 0 to 65535.',
  );
  assert.equal(
    error(["--name", "x", "--port", ""]),
    'Invalid value "" for --port: expected an integer.',
  );
  assert.equal(
    error(["--name", "x", "--timeout-ms", "Infinity"]),
    'Invalid value "Infinity" for --timeout-ms: expected a number.',
  );
  assert.equal(
    error(["--name", "x"], { AGORA_VERBOSE: "maybe" }),
    'Invalid value "maybe" for AGORA_VERBOSE: expected true or false.',
  );
  assert.match(error(["--name", "x", "--bogus"]), /Unknown option '--bogus'/);
  assert.match(error(["--name", "x", "stray"]), /Unexpected argument 'stray'/);
  assert.match(error(["--name"]), /argument missing/);
});

Deno.test("parseConfig() recognises --help and -h", () => {
  assert.deepEqual(parseConfig(spec, { args: ["--help"], env: {} }), {
    kind: "help",
  });
  assert.deepEqual(
    parseConfig(spec, { args: ["-h", "--bogus-ignored?"], env: {} }).kind,
    "error",
  );
  assert.deepEqual(parseConfig(spec, { args: ["-h"], env: {} }), {
    kind: "help",
  });
});

Deno.test("helpText() lists every option with its flag, env and default", () => {
  const text = helpText(spec, "agora-server", "Runs one chat server.");
  assert.equal(
    text,
    [
      "Usage: agora-server [options]",
      "",
      "Runs one chat server.",
      "",
      "Options:",
      "      --name <string>        Server name (env AGORA_SERVER_NAME; required)",
      "      --port <number>        Port of the REP socket (env AGORA_PORT; default 5555; 0..65535)",
      "      --timeout-ms <number>  Request timeout",
      "      --servers <list>       Other servers (env AGORA_SERVERS)",
      "      --data-dir <string>    Data directory (env AGORA_DATA_DIR; default data)",
      "  -v, --verbose              Log more (env AGORA_VERBOSE)",
      "  -h, --help                 Show this help and exit",
      "",
    ].join("\n"),
  );
});

Deno.test("defineOptions() rejects mistakes at startup", () => {
  assert.throws(
    () =>
      defineOptions({
        port: { type: "number", default: "5555", description: "p" },
      }),
    /default of "--port" must be a number, not a string/,
  );
  assert.throws(
    () =>
      defineOptions({
        a: { type: "string", flag: "x", description: "" },
        b: { type: "string", flag: "x", description: "" },
      }),
    /"--x" is declared twice/,
  );
  assert.throws(
    () => defineOptions({ help: { type: "boolean", description: "" } }),
    /"--help" is declared twice/,
  );
});

Deno.test("list defaults are copied, not shared", () => {
  const listSpec = defineOptions({
    items: { type: "list", default: ["a"], description: "items" },
  });
  const first = parseConfig(listSpec, { args: [], env: {} });
  assert.equal(first.kind, "config");
  if (first.kind === "config") {
    first.config.items.push("b");
    const second = parseConfig(listSpec, { args: [], env: {} });
    if (second.kind === "config") assert.deepEqual(second.config.items, ["a"]);
  }
});

Deno.test("ConfigOf<> types required, defaulted and optional values", () => {
  const c = config(["--name", "x"]);
  const name: string = c.name;
  const port: number = c.port;
  const dataDir: string = c.dataDir;
  const servers: string[] = c.servers;
  const verbose: boolean = c.verbose;
  // @ts-expect-error: without a default or required, a number may be undefined
  const timeoutMs: number = c.timeoutMs;
  assert.deepEqual([name, port, dataDir, servers, verbose, timeoutMs], [
    "x",
    5555,
    "data",
    [],
    false,
    undefined,
  ]);
});
