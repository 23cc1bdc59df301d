import assert from "node:assert/strict";
import { PeerAuth } from "../../server/peer_auth.ts";
import { requestAuth } from "./peer_request_auth.ts";

Deno.test("requestAuth() agrees with the server's PeerAuth", () => {
  const stamp = { timestamp: 1764190000.123, clock: 42 };
  for (const service of ["status", "sync_state"]) {
    const mine = requestAuth("s3cret", service, stamp);
    assert.equal(mine, new PeerAuth("s3cret").request(service, stamp, []));
    assert.equal(
      new PeerAuth("s3cret").checkRequest(
        service,
        stamp,
        [],
        mine,
        stamp.timestamp,
      ),
      undefined,
    );
  }
  assert.notEqual(
    requestAuth("other", "status", stamp),
    requestAuth("s3cret", "status", stamp),
  );
});
