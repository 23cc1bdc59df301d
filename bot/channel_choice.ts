/**
 * Where a bot posts its next batch. Pure: randomness is an input.
 *
 * @module
 */

import { channelName } from "./names.ts";

/** The decision: post in an existing channel, or create one first. */
export type ChannelChoice =
  | { kind: "existing"; channel: string }
  | { kind: "create"; channel: string };

/** Chance of creating a new channel although some exist. */
export const NEW_CHANNEL_PROBABILITY = 0.1;

/**
 * Picks a random existing channel, or a new one when none exists (and now
 * and then anyway, so the channel list grows).
 *
 * @example
 * ```ts
 * import { chooseChannel } from "./channel_choice.ts";
 * chooseChannel([], () => 0); // { kind: "create", channel: "general" }
 * chooseChannel(["a", "b"], () => 0.99); // { kind: "existing", channel: "b" }
 * ```
 */
export function chooseChannel(
  channels: readonly string[],
  random: () => number,
): ChannelChoice {
  if (channels.length === 0 || random() < NEW_CHANNEL_PROBABILITY) {
    return { kind: "create", channel: channelName(random) };
  }
  const index = Math.min(
    channels.length - 1,
    Math.floor(random() * channels.length),
  );
  return { kind: "existing", channel: channels[index] };
}
