import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  type Candidate,
  candidates,
  resolveLibrary,
  systemLibraryName,
} from "./library.ts";
import type { ZmqSymbols } from "./symbols.ts";
import { throwsWith, within } from "./_testing.ts";

const FAKE = {} as ZmqSymbols;

function place(
  source: Candidate["source"],
  paths: string[] | Error,
): Candidate {
  return {
    place: `place ${source}`,
    source,
    paths() {
      if (paths instanceof Error) throw paths;
      return paths;
    },
  };
}

Deno.test("resolveLibrary returns the first path that opens, in order", () => {
  const tried: string[] = [];
  const open = (path: string) => {
    tried.push(path);
    if (path !== "b2") throw new Error(`cannot open ${path}`);
    return FAKE;
  };
  const found = resolveLibrary([
    place("env", new Error("not set")),
    place("system", ["b1", "b2"]),
    place("npm", ["c"]),
  ], open);
  assertEquals([found.path, found.source, tried], ["b2", "system", [
    "b1",
    "b2",
  ]]);
});

Deno.test("resolveLibrary fails with ENOLIB naming every place and how to install libzmq", () => {
  const error = throwsWith(
    () =>
      resolveLibrary([
        place("env", new Error("not set")),
        place("system", ["libzmq.so.5"]),
        place("npm", new Error("offline")),
      ], () => {
        throw new Error("dlopen failed");
      }),
    "ENOLIB",
  );
  for (
    const text of [
      "place env: not set",
      "place system (libzmq.so.5): dlopen failed",
      "place npm: offline",
      "apt-get install libzmq5",
    ]
  ) {
    assertEquals(
      error.message.includes(text),
      true,
      `missing "${text}" in ${error.message}`,
    );
  }
});

Deno.test("candidates follow ZMQ_LIBRARY, then the system library, then npm; AGORA_ZMQ_FALLBACK forces npm", () => {
  const env = (values: Record<string, string>) => (name: string) =>
    values[name];
  const normal = candidates(env({ ZMQ_LIBRARY: "/opt/libzmq.so" }));
  assertEquals(normal.map((c) => c.source), ["env", "system", "npm"]);
  assertEquals(normal[0].paths(), ["/opt/libzmq.so"]);
  assertEquals(normal[1].paths(), [systemLibraryName()]);
  throwsWith(
    () => resolveLibrary([candidates(env({}))[0]], () => FAKE),
    "ENOLIB",
  );
  assertEquals(
    candidates(env({ AGORA_ZMQ_FALLBACK: "1" })).map((c) => c.source),
    ["npm"],
  );
  assertEquals(
    candidates(env({ AGORA_ZMQ_FALLBACK: "0" })).map((c) => c.source),
    ["env", "system", "npm"],
  );
  assertEquals([systemLibraryName("linux"), systemLibraryName("darwin")], [
    "libzmq.so.5",
    "libzmq.5.dylib",
  ]);
});

async function childInfo(
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const output = await within(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./testdata/fallback_child.ts", import.meta.url).pathname,
      ],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output(),
    60_000,
    "the child to report its library",
  );
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`child failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return JSON.parse(stdout);
}

Deno.test("AGORA_ZMQ_FALLBACK=1 loads the libzmq bundled in npm:zeromq, and it works", async () => {
  const info = await childInfo({ AGORA_ZMQ_FALLBACK: "1" });
  assertEquals([info.source, info.reply, info.curve], ["npm", "ping", true]);
  assertEquals(String(info.path).includes("zeromq"), true);
});

Deno.test("ZMQ_LIBRARY selects a library by path", async () => {
  const info = await childInfo({
    ZMQ_LIBRARY: systemLibraryName(),
    AGORA_ZMQ_FALLBACK: "0",
  });
  assertEquals([info.source, info.path, info.reply], [
    "env",
    systemLibraryName(),
    "ping",
  ]);
});
