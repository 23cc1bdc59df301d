/**
 * Names for bots and the channels they create. Pure: randomness is an
 * input.
 *
 * @module
 */

/** Adjectives of bot names. */
export const ADJECTIVES: readonly string[] = Object.freeze([
  "amber",
  "brave",
  "calm",
  "clever",
  "cosy",
  "curious",
  "dapper",
  "eager",
  "fuzzy",
  "gentle",
  "happy",
  "jolly",
  "kind",
  "lucky",
  "mellow",
  "nimble",
  "plucky",
  "quiet",
  "rosy",
  "sunny",
  "swift",
  "tidy",
  "witty",
  "zesty",
]);

/** Topics of the channels bots create. */
export const CHANNEL_TOPICS: readonly string[] = Object.freeze([
  "general",
  "music",
  "books",
  "coffee",
  "gardening",
  "astronomy",
  "movies",
  "travel",
  "cooking",
  "boardgames",
  "photography",
  "hiking",
  "poetry",
  "retro-computing",
  "birdwatching",
  "jazz",
]);

function _pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))];
}

function _hex(random: () => number, digits: number): string {
  let out = "";
  for (let i = 0; i < digits; i++) {
    out += Math.min(15, Math.floor(random() * 16)).toString(16);
  }
  return out;
}

/**
 * A bot user name: `bot_<adjective>_<4 hex digits>` (valid per the Names
 * rules: ASCII, no spaces, well under 64 bytes).
 *
 * @example
 * ```ts
 * import { botName } from "./names.ts";
 * botName(() => 0); // "bot_amber_0000"
 * ```
 */
export function botName(random: () => number): string {
  return `bot_${_pick(ADJECTIVES, random)}_${_hex(random, 4)}`;
}

/**
 * A channel name for a bot to create: a topic, sometimes with a short
 * suffix so that new channels keep appearing.
 */
export function channelName(random: () => number): string {
  const topic = _pick(CHANNEL_TOPICS, random);
  return random() < 0.5 ? topic : `${topic}-${_hex(random, 2)}`;
}
