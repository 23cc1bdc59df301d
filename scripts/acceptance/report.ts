/**
 * Readable rendering of acceptance results. Pure.
 *
 * @module
 */

import type { TestResult, TestSummary } from "./types.ts";

/** One line (plus an indented reason) for a finished test. */
export function formatResult(result: TestResult, color = false): string {
  const mark = result.passed
    ? _paint("PASS", 32, color)
    : _paint("FAIL", 31, color);
  const head = `${mark} ${result.name} (${_seconds(result.duration)})`;
  const note = result.message === ""
    ? ""
    : `\n     ${result.message.replaceAll("\n", "\n     ")}`;
  return head + note;
}

/** The closing line of a run. */
export function formatSummary(summary: TestSummary, color = false): string {
  const all = summary.passed === summary.total;
  const text = `${summary.passed}/${summary.total} passed in ${
    _seconds(summary.duration)
  }`;
  return all ? _paint(text, 32, color) : _paint(text, 31, color);
}

function _seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function _paint(text: string, code: number, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}
