import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  hostPrebuildTarget,
  packageDirFromInfo,
  prebuildCandidates,
} from "./npm_prebuilds.ts";

const entry = (
  config: Record<string, unknown>,
  path: string,
) => [JSON.stringify(config), path];

const MANIFEST = JSON.stringify(Object.fromEntries([
  entry(
    { os: "linux", arch: "x64", libc: "glibc", abi: 115 },
    "linux/x64/node/glibc-115-Release/addon.node",
  ),
  entry(
    { os: "win32", arch: "x64", libc: "msvc", abi: 115 },
    "win32\\x64\\node\\msvc-115-Release\\addon.node",
  ),
  entry(
    { os: "linux", arch: "x64", libc: "glibc", abi: 127 },
    "linux/x64/node/glibc-127-Release/addon.node",
  ),
  entry(
    { os: "linux", arch: "x64", libc: "musl", abi: 127 },
    "linux/x64/node/musl-127-Release/addon.node",
  ),
  entry(
    { os: "linux", arch: "arm64", libc: "glibc", abi: 127 },
    "linux/arm64/node/glibc-127-Release/addon.node",
  ),
  ["not json", "x.node"],
  entry({ os: "linux", arch: "x64", libc: "glibc" }, 42 as unknown as string),
]));

Deno.test("prebuildCandidates keeps manifest order and matches os, arch and libc", () => {
  assertEquals(
    prebuildCandidates(MANIFEST, { os: "linux", arch: "x64", libc: "glibc" }),
    [
      "linux/x64/node/glibc-115-Release/addon.node",
      "linux/x64/node/glibc-127-Release/addon.node",
    ],
  );
  assertEquals(
    prebuildCandidates(MANIFEST, { os: "linux", arch: "x64", libc: "musl" }),
    [
      "linux/x64/node/musl-127-Release/addon.node",
    ],
  );
  assertEquals(
    prebuildCandidates(MANIFEST, { os: "win32", arch: "x64", libc: "msvc" }),
    [
      "win32/x64/node/msvc-115-Release/addon.node",
    ],
  );
  assertEquals(
    prebuildCandidates(MANIFEST, { os: "darwin", arch: "arm64", libc: "libc" }),
    [],
  );
  assertEquals(
    prebuildCandidates("{broken", { os: "linux", arch: "x64", libc: "glibc" }),
    [],
  );
  assertEquals(
    prebuildCandidates("[1,2]", { os: "linux", arch: "x64", libc: "glibc" }),
    [],
  );
});

Deno.test("hostPrebuildTarget uses zeromq.js naming", () => {
  const build = {
    ...Deno.build,
    os: "linux",
    arch: "x86_64",
    target: "x86_64-unknown-linux-gnu",
  } as typeof Deno.build;
  assertEquals(hostPrebuildTarget(build), {
    os: "linux",
    arch: "x64",
    libc: "glibc",
  });
  const musl = {
    ...build,
    arch: "aarch64",
    target: "aarch64-unknown-linux-musl",
  } as typeof Deno.build;
  assertEquals(hostPrebuildTarget(musl), {
    os: "linux",
    arch: "arm64",
    libc: "musl",
  });
  const mac = {
    ...build,
    os: "darwin",
    arch: "aarch64",
    target: "aarch64-apple-darwin",
  } as typeof Deno.build;
  assertEquals(hostPrebuildTarget(mac), {
    os: "darwin",
    arch: "arm64",
    libc: "libc",
  });
});

Deno.test("packageDirFromInfo finds zeromq's localPath in deno info output", () => {
  const info = JSON.stringify({
    npmPackages: {
      "cmake-ts@1.0.2": {
        name: "cmake-ts",
        localPath: "/cache/cmake-ts/1.0.2",
      },
      "zeromq@6.8.0": { name: "zeromq", localPath: "/cache/zeromq/6.8.0" },
    },
  });
  assertEquals(packageDirFromInfo(info), "/cache/zeromq/6.8.0");
  throws(
    () => packageDirFromInfo(JSON.stringify({ npmPackages: {} })),
    /did not report/,
  );
});
