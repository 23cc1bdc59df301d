/**
 * `docs/protocol.md` is a verbatim copy of the upstream wire contract, so
 * that a clone carries it; this keeps the copy honest wherever the upstream
 * file sits beside the checkout (`../shared/spec/protocol.md`).
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const COPY = new URL("docs/protocol.md", ROOT);
const UPSTREAM = new URL("../shared/spec/protocol.md", ROOT);

function readOrNull(url: URL): string | null {
  try {
    return Deno.readTextFileSync(url);
  } catch {
    return null;
  }
}

const upstream = readOrNull(UPSTREAM);

Deno.test({
  name: "docs/protocol.md is the upstream protocol, verbatim",
  ignore: upstream === null,
  fn() {
    const copy = Deno.readTextFileSync(COPY);
    const end = copy.indexOf("-->\n\n");
    assert.ok(end > 0, "the copy starts with its provenance comment");
    assert.equal(copy.slice(end + "-->\n\n".length), upstream);
  },
});
