/**
 * The agora bot's building blocks (the program is `main.ts`): its loop,
 * names and texts.
 *
 * @module
 */

export { type BotOptions, type BotStats, runBot } from "./bot.ts";
export {
  type ChannelChoice,
  chooseChannel,
  NEW_CHANNEL_PROBABILITY,
} from "./channel_choice.ts";
export { ADJECTIVES, botName, CHANNEL_TOPICS, channelName } from "./names.ts";
export { botMessage } from "./texts.ts";
