import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { Key } from "./keys.ts";
import {
  applyKey,
  type EditorAction,
  type EditorState,
  emptyEditor,
} from "./line_editor.ts";

function press(
  state: EditorState,
  ...keys: Array<Key | string>
): { state: EditorState; actions: EditorAction[] } {
  const actions: EditorAction[] = [];
  for (const key of keys) {
    const result = applyKey(
      state,
      typeof key === "string" ? { kind: "text", text: key } : key,
    );
    state = result.state;
    if (result.action.kind !== "none") actions.push(result.action);
  }
  return { state, actions };
}

const k = (kind: Exclude<Key, { kind: "text" }>["kind"]): Key => ({ kind });

Deno.test("typing, moving and inserting in the middle", () => {
  const { state } = press(emptyEditor(), "helo", k("left"), "l");
  assertEquals(state.text, "hello");
  assertEquals(state.cursor, 4);
  const home = press(state, k("home"), ">", k("end"), "!").state;
  assertEquals(home.text, ">hello!");
  assertEquals(home.cursor, 7);
});

Deno.test("backspace and delete remove whole graphemes (emoji, accents)", () => {
  let { state } = press(emptyEditor(), "a👍🏽e\u0301b");
  assertEquals(state.cursor, state.text.length);
  state = press(state, k("backspace")).state;
  assertEquals(state.text, "a👍🏽e\u0301");
  state = press(state, k("backspace")).state;
  assertEquals(state.text, "a👍🏽");
  state = press(state, k("home"), k("right"), k("delete")).state;
  assertEquals(state.text, "a");
  assertEquals(state.cursor, 1);
});

Deno.test("a combining mark typed after a letter joins it", () => {
  const { state } = press(emptyEditor(), "e", "\u0301");
  assertEquals(state.cursor, 2);
  assertEquals(press(state, k("left")).state.cursor, 0);
});

Deno.test("enter submits the line, empties the editor and records history", () => {
  const { state, actions } = press(
    emptyEditor(),
    "one",
    k("enter"),
    "two",
    k("enter"),
  );
  assertEquals(actions, [
    { kind: "submit", line: "one" },
    { kind: "submit", line: "two" },
  ]);
  assertEquals(state.text, "");
  assertEquals(state.history, ["one", "two"]);
});

Deno.test("up and down browse history and keep the draft", () => {
  let { state } = press(emptyEditor(["first", "second"]), "draft");
  state = press(state, k("up")).state;
  assertEquals(state.text, "second");
  state = press(state, k("up"), k("up")).state;
  assertEquals(state.text, "first");
  state = press(state, k("down"), k("down")).state;
  assertEquals(state.text, "draft");
  assertEquals(state.cursor, 5);
});

Deno.test("ctrl-c clears a line and quits on an empty one; ctrl-d is eof only when empty", () => {
  const typed = press(emptyEditor(), "abc", k("home"));
  const cleared = press(typed.state, k("interrupt"));
  assertEquals(cleared.state.text, "");
  assertEquals(cleared.actions, []);
  assertEquals(press(cleared.state, k("interrupt")).actions, [{
    kind: "interrupt",
  }]);
  const deleted = press(typed.state, k("eof"));
  assertEquals(deleted.state.text, "bc");
  assertEquals(deleted.actions, []);
  assertEquals(press(emptyEditor(), k("eof")).actions, [{ kind: "eof" }]);
});

Deno.test("kill keys and word moves", () => {
  const base = press(emptyEditor(), "hello big world").state;
  assertEquals(press(base, k("killWordBack")).state.text, "hello big ");
  const mid = press(base, k("wordLeft"), k("wordLeft")).state;
  assertEquals(mid.cursor, 6);
  assertEquals(press(mid, k("killToEnd")).state.text, "hello ");
  assertEquals(press(mid, k("killLine")).state.text, "big world");
  assertEquals(press(mid, k("wordRight")).state.cursor, 9);
});

Deno.test("blank and repeated lines are not added to history", () => {
  const { state } = press(
    emptyEditor(),
    "  ",
    k("enter"),
    "x",
    k("enter"),
    "x",
    k("enter"),
  );
  assertEquals(state.history, ["x"]);
});
