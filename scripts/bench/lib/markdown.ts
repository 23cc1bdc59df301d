/**
 * Formatting of benchmark results as markdown.
 *
 * @example
 * ```ts
 * import { table } from "./markdown.ts";
 * table(["a", "b"], [["1", "2"]]); // "| a | b |\n|---|---|\n| 1 | 2 |"
 * ```
 *
 * @module
 */

/** A markdown table; a header starting with ">" is right-aligned (the ">" is dropped). */
export function table(
  headers: readonly string[],
  rows: readonly string[][],
): string {
  const names = headers.map((h) => h.startsWith(">") ? h.slice(1) : h);
  const rules = headers.map((h) => h.startsWith(">") ? "---:" : "---");
  return [
    `| ${names.join(" | ")} |`,
    `|${rules.join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** Milliseconds with two decimals below 10, one below 100, none above ("n/a" for NaN). */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value < 10
    ? value.toFixed(2)
    : value < 100
    ? value.toFixed(1)
    : Math.round(value).toString();
}

/** A whole number with thousands separators ("n/a" for NaN). */
export function count(value: number): string {
  return Number.isFinite(value)
    ? Math.round(value).toLocaleString("en-US")
    : "n/a";
}

/** "met" or "**not met**". */
export function verdict(met: boolean): string {
  return met ? "met" : "**not met**";
}
