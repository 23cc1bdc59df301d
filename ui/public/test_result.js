// How the tests page shows one acceptance result: passed, failed, or passed
// only in part — the suite marks a pass whose disruptive part it skipped
// with `partial: true` (its `passed` stays true, as the result format
// requires), and ticking it would claim more than was checked. No DOM here.

const LOOKS = {
  pass: { status: "pass", icon: "✓", label: "passed" },
  partial: { status: "partial", icon: "◐", label: "partly checked" },
  fail: { status: "fail", icon: "✗", label: "failed" },
};

/**
 * The status of `result` (`{passed, partial?}`) with its marker and the
 * marker's accessible label: `fail` whenever it did not pass, `partial`
 * for a pass flagged `partial: true`, otherwise `pass`.
 */
export function resultLook(result) {
  if (result?.passed !== true) return LOOKS.fail;
  return result.partial === true ? LOOKS.partial : LOOKS.pass;
}
