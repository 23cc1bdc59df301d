import { equal } from "node:assert/strict";
import { isolate } from "./dom.js";

Deno.test("isolate() wraps a name in a first-strong isolate", () => {
  const spoof = "\u202enimda";
  equal(isolate(spoof), "\u2068\u202enimda\u2069");
  // The override cannot reach past the isolate: the closing U+2069 ends it.
  equal(`only you and ${isolate(spoof)} see`.endsWith("\u2069 see"), true);
});
