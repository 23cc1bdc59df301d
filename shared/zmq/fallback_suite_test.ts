/**
 * Runs this folder's whole test suite a second time against the libzmq
 * shipped inside the npm `zeromq` package (`AGORA_ZMQ_FALLBACK=1`), so the
 * fallback a machine without a system libzmq uses is tested on every run.
 */
import assert from "node:assert/strict";

const nested = Deno.env.get("AGORA_ZMQ_FALLBACK") === "1";

Deno.test({
  name: "the zmq suite passes with the npm zeromq package's libzmq",
  ignore: nested,
  async fn() {
    const dir = new URL(".", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", dir],
      env: { AGORA_ZMQ_FALLBACK: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(240_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    assert.ok(
      out.success,
      `The fallback-library run failed:\n${text.slice(-4000)}`,
    );
    const probe = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { libraryInfo } from "${new URL("./mod.ts", import.meta.url)}";
         console.log(JSON.stringify(libraryInfo()));`,
      ],
      env: { AGORA_ZMQ_FALLBACK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const info = JSON.parse(new TextDecoder().decode(probe.stdout));
    assert.equal(info.source, "npm", "the fallback run used the npm libzmq");
  },
});
