import assert from "node:assert/strict";
import { readFileRange } from "./file_range.ts";

Deno.test("readFileRange reads a range from the start or from the end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/log.jsonl`;
    await Deno.writeTextFile(path, "0123456789");
    const text = async (from: number, max: number) =>
      new TextDecoder().decode(await readFileRange(path, from, max));
    assert.equal(await text(0, 4), "0123");
    assert.equal(await text(6, 100), "6789");
    assert.equal(await text(10, 100), "");
    assert.equal(await text(20, 100), "");
    assert.equal(await text(-3, 100), "789");
    assert.equal(await text(-30, 100), "0123456789");
    await assert.rejects(
      readFileRange(`${dir}/missing`, 0, 1),
      Deno.errors.NotFound,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
