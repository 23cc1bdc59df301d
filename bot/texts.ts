/**
 * What bots say: short, varied, friendly sentences, numbered within their
 * batch. Pure: randomness is an input.
 *
 * @module
 */

const OPENERS: readonly string[] = [
  "Hello everyone!",
  "Good to see you all.",
  "Quick thought:",
  "Fun fact:",
  "Today I learned that",
  "Did you know",
  "Small update:",
  "Just wondering,",
];

const SUBJECTS: readonly string[] = [
  "the tea in the kitchen",
  "a walk by the river",
  "the new book club pick",
  "the sunset tonight",
  "a cat on the windowsill",
  "fresh bread from the corner bakery",
  "the old radio in the attic",
  "a chess puzzle",
  "the first snow of the year",
  "a song stuck in my head",
  "the garden tomatoes",
  "a paper plane contest",
];

const ENDINGS: readonly string[] = [
  "is lovely.",
  "made my day.",
  "deserves a little applause.",
  "sounds like a plan.",
  "could use more company.",
  "is better than expected.",
  "reminds me of home.",
  "is worth a second look.",
];

const EMOJI: readonly string[] = [
  "",
  "",
  "",
  " 🙂",
  " ☕",
  " 🌿",
  " ✨",
  " 🎶",
];

function _pick(items: readonly string[], random: () => number): string {
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))];
}

/**
 * The `index`-th message (1-based) of a batch of `total`, e.g.
 * `"(3/10) Fun fact: a chess puzzle made my day. ☕"`.
 *
 * @example
 * ```ts
 * import { botMessage } from "./texts.ts";
 * botMessage(() => 0, 1, 10); // "(1/10) Hello everyone! the tea in the kitchen is lovely."
 * ```
 */
export function botMessage(
  random: () => number,
  index: number,
  total: number,
): string {
  return `(${index}/${total}) ${_pick(OPENERS, random)} ${
    _pick(SUBJECTS, random)
  } ${_pick(ENDINGS, random)}${_pick(EMOJI, random)}`;
}
