/**
 * Sample payloads shared by the protocol's tests (not exported by the
 * package).
 *
 * @module
 */

import type { ChannelMessage, PrivateMessage } from "./types.ts";

/** A stamp for encoded frames. */
export const stamp = { timestamp: 1764190000.5, clock: 9 };

/** A channel message as publications and history carry it. */
export const channelMessage: ChannelMessage = {
  id: "server_1:4",
  user: "ana",
  channel: "geral",
  message: "oi",
  timestamp: 1764190000.1,
  clock: 5,
  server: "server_1",
};

/** A private message as publications and history carry it. */
export const privateMessage: PrivateMessage = {
  id: "server_2:1",
  src: "ana",
  dst: "bia",
  user: "ana",
  message: "psst",
  timestamp: 1764190000.2,
  clock: 6,
  server: "server_2",
};
