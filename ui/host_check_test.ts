import { deepStrictEqual, equal } from "node:assert/strict";
import { allowedHosts, hostAllowed, LOOPBACK_HOSTS } from "./host_check.ts";

Deno.test("a loopback-bound UI answers loopback names only, by default", () => {
  const allowed = allowedHosts("127.0.0.1", undefined);
  deepStrictEqual(allowed, LOOPBACK_HOSTS);
  for (
    const host of [
      "127.0.0.1:8080",
      "localhost:8080",
      "[::1]:8080",
      "LOCALHOST",
    ]
  ) {
    equal(hostAllowed(host, allowed), true, host);
  }
  // A rebinding page's name, an empty or missing header: refused.
  for (const host of ["evil.example:8080", "evil.example", "", null]) {
    equal(hostAllowed(host, allowed), false, String(host));
  }
});

Deno.test("a UI on every interface answers any name unless given a list", () => {
  equal(allowedHosts("0.0.0.0", undefined), undefined);
  equal(hostAllowed("chat.example.org", undefined), true);
  const allowed = allowedHosts("0.0.0.0", ["chat.example.org", "[::1]"]);
  equal(hostAllowed("chat.example.org:443", allowed), true);
  equal(hostAllowed("[::1]:8080", allowed), true);
  equal(hostAllowed("other.example", allowed), false);
  equal(allowedHosts("127.0.0.1", ["*"]), undefined);
});
