import { deepStrictEqual, equal, notEqual } from "node:assert/strict";
// @ts-types="./test_result.d.ts"
import { resultLook } from "./test_result.js";

Deno.test("a pass flagged partial is not shown as a plain pass", () => {
  const partial = resultLook({ passed: true, partial: true });
  equal(partial.status, "partial");
  equal(partial.label, "partly checked");
  notEqual(partial.icon, resultLook({ passed: true }).icon);
});

Deno.test("passes and failures keep their markers; a failure wins over partial", () => {
  deepStrictEqual(resultLook({ passed: true }), {
    status: "pass",
    icon: "✓",
    label: "passed",
  });
  deepStrictEqual(resultLook({ passed: true, partial: false }).status, "pass");
  for (const failed of [{ passed: false }, { passed: false, partial: true }]) {
    deepStrictEqual(resultLook(failed), {
      status: "fail",
      icon: "✗",
      label: "failed",
    });
  }
  equal(resultLook(null).status, "fail");
});
