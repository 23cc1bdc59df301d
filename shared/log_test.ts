import assert from "node:assert/strict";
import { createLogger } from "./log.ts";

const T0 = Date.UTC(2025, 10, 26, 21, 5, 0, 123);

async function withTempDir(
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "agora_log_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.trim().split("\n").filter((l) => l).map((line) =>
    JSON.parse(line)
  );
}

Deno.test("createLogger() writes JSON lines to <dir>/<service>.jsonl", async () => {
  await withTempDir(async (dir) => {
    const log = createLogger({
      service: "server_1",
      dir,
      stdout: false,
      nowMs: () => T0,
    });
    assert.equal(log.path, `${dir}/server_1.jsonl`);
    log.info("listening", { endpoint: "tcp://*:5555", port: 5555 });
    log.error("crashed", { ok: false });
    await log.close();
    assert.deepEqual(await readLines(`${dir}/server_1.jsonl`), [
      {
        ts: "2025-11-26T21:05:00.123Z",
        level: "info",
        svc: "server_1",
        event: "listening",
        endpoint: "tcp://*:5555",
        port: 5555,
      },
      {
        ts: "2025-11-26T21:05:00.123Z",
        level: "error",
        svc: "server_1",
        event: "crashed",
        ok: false,
      },
    ]);
  });
});

Deno.test("the logger appends to an existing file and creates the directory", async () => {
  await withTempDir(async (dir) => {
    const nested = `${dir}/a/b`;
    for (const event of ["first", "second"]) {
      const log = createLogger({ service: "ref", dir: nested, stdout: false });
      log.info(event);
      await log.close();
    }
    const lines = await readLines(`${nested}/ref.jsonl`);
    assert.deepEqual(lines.map((l) => l.event), ["first", "second"]);
  });
});

Deno.test("the logger filters by level", async () => {
  await withTempDir(async (dir) => {
    const log = createLogger({
      service: "s",
      dir,
      level: "warn",
      stdout: false,
    });
    assert.equal(log.enabled("info"), false);
    assert.equal(log.enabled("error"), true);
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    await log.close();
    assert.deepEqual((await readLines(`${dir}/s.jsonl`)).map((l) => l.level), [
      "warn",
      "error",
    ]);
  });
});

Deno.test("the logger reads AGORA_LOG_DIR and AGORA_LOG_LEVEL", async () => {
  await withTempDir(async (dir) => {
    const saved = [
      Deno.env.get("AGORA_LOG_DIR"),
      Deno.env.get("AGORA_LOG_LEVEL"),
    ];
    Deno.env.set("AGORA_LOG_DIR", dir);
    Deno.env.set("AGORA_LOG_LEVEL", "DEBUG");
    try {
      const log = createLogger({ service: "env", stdout: false });
      assert.equal(log.level, "debug");
      assert.equal(log.path, `${dir}/env.jsonl`);
      log.debug("seen");
      await log.close();
      assert.equal((await readLines(`${dir}/env.jsonl`))[0].event, "seen");
    } finally {
      for (
        const [name, value] of [["AGORA_LOG_DIR", saved[0]], [
          "AGORA_LOG_LEVEL",
          saved[1],
        ]] as const
      ) {
        if (value === undefined) Deno.env.delete(name);
        else Deno.env.set(name, value);
      }
    }
  });
});

Deno.test("fields never override ts, level, svc or event, nor pollute prototypes", async () => {
  await withTempDir(async (dir) => {
    const log = createLogger({
      service: "s",
      dir,
      stdout: false,
      nowMs: () => T0,
    });
    const fields = JSON.parse(
      '{"ts": "fake", "level": "fake", "event": "fake", "__proto__": {"x": 1}}',
    );
    log.info("real", fields);
    await log.close();
    const [line] = await readLines(`${dir}/s.jsonl`);
    assert.equal(line.ts, "2025-11-26T21:05:00.123Z");
    assert.equal(line.level, "info");
    assert.equal(line.event, "real");
    assert.deepEqual(line["__proto__"], { x: 1 });
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});

Deno.test("awkward field values are serialised, never thrown", async () => {
  await withTempDir(async (dir) => {
    const log = createLogger({ service: "s", dir, stdout: false });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    log.info("values", {
      big: 10n,
      error: new Error("boom"),
      bytes: new Uint8Array(3),
      nothing: undefined,
    });
    log.info("cycle", { cycle });
    await log.close();
    const [values, cyclic] = await readLines(`${dir}/s.jsonl`);
    assert.equal(values.big, "10");
    assert.equal((values.error as { message: string }).message, "boom");
    assert.equal(values.bytes, "<3 bytes>");
    assert.equal(cyclic.event, "cycle");
    assert.match(String(cyclic.log_error), /could not be serialised/);
  });
});

Deno.test("readable lines go to the stdout writer", async () => {
  const chunks: string[] = [];
  const log = createLogger({
    service: "proxy",
    file: false,
    nowMs: () => T0,
    stdout: (bytes) => {
      chunks.push(new TextDecoder().decode(bytes));
      return Promise.resolve(bytes.length);
    },
  });
  log.warn("slow_peer", {
    peer: "server_2",
    latencyMs: 12,
    note: "two words",
    nested: { a: 1 },
  });
  log.info("plain");
  await log.close();
  assert.equal(
    chunks.join(""),
    '2025-11-26T21:05:00.123Z WARN  proxy slow_peer peer=server_2 latencyMs=12 note="two words" nested={"a":1}\n' +
      "2025-11-26T21:05:00.123Z INFO  proxy plain\n",
  );
});

Deno.test("an unwritable directory falls back to stdout only", async () => {
  await withTempDir(async (dir) => {
    const blocker = `${dir}/not_a_dir`;
    await Deno.writeTextFile(blocker, "");
    const chunks: string[] = [];
    const log = createLogger({
      service: "s",
      dir: `${blocker}/logs`,
      stdout: (bytes) => {
        chunks.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
    });
    assert.equal(log.path, undefined);
    log.info("still_logging");
    await log.close();
    const text = chunks.join("");
    assert.match(text, /log_setup notice="Cannot open the log file/);
    assert.match(text, /still_logging/);
  });
});

Deno.test("a failing writer is dropped without throwing", async () => {
  let calls = 0;
  const log = createLogger({
    service: "s",
    file: false,
    stdout: () => {
      calls++;
      return Promise.reject(new Error("EPIPE"));
    },
  });
  log.info("a");
  await log.flush();
  log.info("b");
  await log.close();
  assert.equal(calls, 1);
});

Deno.test("lines beyond the buffer limit are dropped and counted", async () => {
  const chunks: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const log = createLogger({
    service: "s",
    file: false,
    maxBufferedBytes: 200,
    stdout: async (bytes) => {
      await gate; // a slow stdout
      chunks.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  });
  for (let i = 0; i < 50; i++) log.info("line", { i });
  release();
  await log.close();
  const text = chunks.join("");
  assert.ok(text.split("\n").length < 50);
  assert.match(text, /log_lines_dropped count=\d+/);
});

Deno.test("logging after close() is ignored", async () => {
  const chunks: string[] = [];
  const log = createLogger({
    service: "s",
    file: false,
    stdout: (bytes) => {
      chunks.push(new TextDecoder().decode(bytes));
      return Promise.resolve(bytes.length);
    },
  });
  await log.close();
  log.error("late");
  await log.close();
  assert.equal(chunks.length, 0);
});
