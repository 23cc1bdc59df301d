import { deepStrictEqual, rejects, throws } from "node:assert/strict";
import {
  commandArgs,
  commandControl,
  runCommand,
} from "./real_command_control.ts";

const DENO = Deno.execPath();

Deno.test("a template is split on spaces and {server} replaced", () => {
  deepStrictEqual(
    commandArgs("  deno task   up --no-deps {server} ", "server_2"),
    ["deno", "task", "up", "--no-deps", "server_2"],
  );
  deepStrictEqual(commandArgs("stop-{server}.sh", "s1"), ["stop-s1.sh"]);
});

Deno.test("names that could be options or paths, and empty templates, are refused", () => {
  for (
    const name of ["-rf", "--all", "../x", "a b", "", "a;b", "x".repeat(65)]
  ) {
    throws(() => commandArgs("down {server}", name), RangeError, name);
  }
  throws(() => commandArgs("   ", "server_1"), RangeError);
});

Deno.test("a command that succeeds resolves; one that fails says why", async () => {
  await runCommand([DENO, "eval", "Deno.exit(0)"]);
  await rejects(
    runCommand([DENO, "eval", 'console.error("no such server"); Deno.exit(3)']),
    /exit 3\).*no such server/,
  );
});

Deno.test("a command past its deadline is killed", async () => {
  await rejects(
    runCommand([DENO, "eval", "setTimeout(() => {}, 30000)"], 300),
    /SIGKILL/,
  );
});

Deno.test("commandControl runs the stop and start templates for a server", async () => {
  const control = commandControl({
    stop: `${DENO} eval Deno.exit(Deno.args[0]==="server_1"?0:1) {server}`,
    start: `${DENO} eval Deno.exit(1) {server}`,
  });
  await control.stop("server_1");
  await rejects(control.start("server_1"), /failed/);
});
