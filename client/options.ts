/**
 * Command-line and environment options of the terminal client.
 *
 * @module
 */

import { defineOptions } from "@agora/shared/config";
import { CLIENT_CONNECTION_OPTIONS } from "@agora/shared/client";

/** Options of `client/main.ts`. */
export const clientOptions = defineOptions({
  ...CLIENT_CONNECTION_OPTIONS,
  user: {
    type: "string",
    short: "u",
    description: "Log in as this user, without the name prompt",
  },
  script: {
    type: "string",
    description:
      "Run the commands in this file (non-interactive; stdin not a TTY does the same)",
  },
  waitMs: {
    type: "number",
    integer: true,
    min: 0,
    default: 0,
    description:
      "Non-interactive: keep printing live messages this long after the last command",
  },
  joinHistory: {
    type: "number",
    integer: true,
    min: 0,
    max: 1000,
    default: 10,
    description: "Recent messages shown by /join",
  },
});
