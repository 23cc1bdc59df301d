import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  clockTime,
  colourWanted,
  createStyle,
  formatChannelMessage,
  formatNames,
  formatPrivateMessage,
  sanitize,
} from "./format.ts";

const plain = createStyle(false);

Deno.test("messages show time, place, author, text and Lamport clock", () => {
  const message = {
    id: "s:1",
    user: "ana",
    channel: "general",
    message: "hello",
    timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
    clock: 42,
    server: "s",
  };
  assertEquals(
    formatChannelMessage(message, { style: plain, utc: true }),
    "[03:04:05] #general <ana> hello  L42",
  );
  assertEquals(
    formatPrivateMessage(
      {
        id: "s:2",
        src: "bia",
        dst: "ana",
        user: "bia",
        message: "psst",
        timestamp: 0.4,
        clock: 7,
        server: "s",
      },
      "ana",
      { style: plain, utc: true },
    ),
    "[00:00:00] [pm] bia → you: psst  L7",
  );
});

Deno.test("text from the network cannot move the cursor or break lines", () => {
  assertEquals(sanitize("a\x1b[2Jb\nc\u202ed\x07"), "a�[2Jb⏎c�d�");
});

Deno.test("colours only on a TTY without NO_COLOR", () => {
  assertEquals(colourWanted(true, undefined), true);
  assertEquals(colourWanted(true, ""), true);
  assertEquals(colourWanted(true, "1"), false);
  assertEquals(colourWanted(false, undefined), false);
  const coloured = createStyle(true);
  assertEquals(coloured.red("x"), "\x1b[31mx\x1b[0m");
  assertEquals(coloured.user("ana"), coloured.user("ana"));
});

Deno.test("clockTime pads and lists are sorted with a count", () => {
  assertEquals(
    clockTime(Date.UTC(2026, 0, 1, 9, 8, 7) / 1000, true),
    "09:08:07",
  );
  assertEquals(
    formatNames("Users", ["bia", "ana"], plain),
    "Users (2): ana, bia",
  );
  assertEquals(formatNames("Users", [], plain), "Users (0): (none)");
});
