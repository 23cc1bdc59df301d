import { deepStrictEqual } from "node:assert/strict";
import {
  checkBefore,
  checkLimit,
  checkMessage,
  checkName,
} from "./validation.ts";

Deno.test("checkName() applies the protocol's name rules", () => {
  deepStrictEqual(checkName("ana", "User name"), { ok: true, value: "ana" });
  deepStrictEqual(checkName("é".repeat(32), "User name").ok, true); // 64 bytes
  deepStrictEqual(checkName("é".repeat(33), "User name"), {
    ok: false,
    error: "User name is longer than 64 bytes",
  });
  deepStrictEqual(checkName("a\nb", "Channel name"), {
    ok: false,
    error: "Channel name contains control characters",
  });
  deepStrictEqual(checkName("ana ", "User name").ok, false);
  deepStrictEqual(checkName("replication", "Channel name"), {
    ok: false,
    error: 'Channel name "replication" is reserved',
  });
  deepStrictEqual(checkName(null, "User name").ok, false);
});

Deno.test("checkMessage() refuses blank and oversized text, keeps the rest as typed", () => {
  deepStrictEqual(checkMessage("  hi\n"), { ok: true, value: "  hi\n" });
  deepStrictEqual(checkMessage(" \n\t"), {
    ok: false,
    error: "Message is empty",
  });
  deepStrictEqual(checkMessage("x".repeat(4097)).ok, false);
  deepStrictEqual(checkMessage(7).ok, false);
});

Deno.test("checkLimit() and checkBefore() read history paging parameters", () => {
  deepStrictEqual(checkLimit(undefined, 50, 1000), { ok: true, value: 50 });
  deepStrictEqual(checkLimit("1000", 50, 1000), { ok: true, value: 1000 });
  deepStrictEqual(checkLimit("1001", 50, 1000).ok, false);
  deepStrictEqual(checkLimit("-1", 50, 1000).ok, false);
  deepStrictEqual(checkBefore(""), { ok: true, value: undefined });
  deepStrictEqual(checkBefore("server_1:42"), {
    ok: true,
    value: "server_1:42",
  });
  deepStrictEqual(checkBefore("x".repeat(201)).ok, false);
});
