import { deepStrictEqual, equal } from "node:assert/strict";
import { validateName } from "@agora/shared/protocol";
import { checkName } from "../validation.ts";
// @ts-types="./names.d.ts"
import { nameProblem, typedName } from "./names.js";

Deno.test("typedName() drops the white space around a name, as the terminal client does", () => {
  equal(typedName("   spaced   "), "spaced");
  equal(typedName(" lead"), "lead");
  equal(typedName("\t ana \n"), "ana");
  equal(typedName("\u00a0ana\u3000"), "ana");
  // Inside a name, spaces are kept.
  equal(typedName("  ana maria "), "ana maria");
  equal(typedName("   "), "");
});

Deno.test("a trimmed name meets the protocol's edge rule", () => {
  for (const raw of [" lead", "trail ", "\u2003both\u2003", "\r\nline\n"]) {
    equal(validateName(typedName(raw), "user"), undefined, JSON.stringify(raw));
  }
});

Deno.test("nameProblem() refuses what the UI server refuses, in its words", () => {
  const cases = [
    "ana",
    "ana maria",
    "",
    " lead",
    "trail ",
    "é".repeat(32),
    "é".repeat(33),
    "x".repeat(64),
    "x".repeat(65),
    "tab\there",
    "nul\u0000",
    "del\u007f",
    "servers",
    "replication",
    "Servers",
    "<img src=x onerror=alert(1)>",
  ];
  for (const what of ["User name", "Channel name"]) {
    for (const name of cases) {
      const server = checkName(name, what);
      deepStrictEqual(
        nameProblem(name, what),
        server.ok ? null : server.error,
        JSON.stringify(name),
      );
    }
  }
});
