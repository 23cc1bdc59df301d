import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { within } from "./_testing.ts";

const CHILD = new URL("./testdata/exit_child.ts", import.meta.url).pathname;

async function runChild(
  mode: string,
): Promise<{ code: number; stdout: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, mode],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const output = await within(
      child.output(),
      15_000,
      `the "${mode}" child to exit by itself`,
    );
    return {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout).trim(),
    };
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
}

Deno.test("child processes exit by themselves once their sockets are done", async () => {
  const results = await Promise.all(
    ["traffic", "pending", "timeout", "open", "terminate", "stuck-proxy"].map(
      runChild,
    ),
  );
  assertEquals(results, [
    { code: 0, stdout: "" },
    { code: 0, stdout: "ECLOSED" },
    { code: 0, stdout: "ETIMEDOUT" },
    { code: 0, stdout: "" },
    { code: 0, stdout: "ECLOSED" },
    { code: 0, stdout: "terminated" },
  ]);
});

Deno.test("closeOnSignals closes sockets and exits on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, "signal"],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let seen = "";
    while (!seen.includes("ready")) {
      const chunk = await within(
        reader.read(),
        10_000,
        "the child to be ready",
      );
      if (chunk.done) break;
      seen += chunk.value;
    }
    child.kill("SIGTERM");
    const status = await within(
      child.status,
      10_000,
      "the child to exit after SIGTERM",
    );
    assertEquals(status.code, 143);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await reader.cancel().catch(() => {});
    await child.status;
  }
});
