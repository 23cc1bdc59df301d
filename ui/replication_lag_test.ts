import { deepStrictEqual } from "node:assert/strict";
import { replicationLag } from "./replication_lag.ts";

Deno.test("replicationLag() counts records behind the frontier per origin", () => {
  deepStrictEqual(
    replicationLag({
      server_1: { server_1: 10, server_2: 4 },
      server_2: { server_1: 7, server_2: 4, server_3: 2 },
      server_3: {},
    }),
    { server_1: 2, server_2: 3, server_3: 16 },
  );
});

Deno.test("replicationLag() of no servers is empty", () => {
  deepStrictEqual(replicationLag({}), {});
});
