// Names as a person types them into the chat view (login, create or join a
// channel): trimmed as the terminal client trims its prompt, then checked
// against the protocol's Names rules with the UI server's wording
// (ui/validation.ts), so a bad name is explained without a failed request.
// No DOM here.

const NAME_BYTES_MAX = 64;
const RESERVED_TOPICS = ["servers", "replication"];
const encoder = new TextEncoder();

/**
 * What was typed, without the white space around it: the protocol forbids
 * it at either end, and the terminal client drops it too.
 */
export function typedName(raw) {
  return String(raw).trim();
}

/**
 * Why `name` would be refused as a user or channel name (`what` is e.g.
 * "User name"), in the UI server's words; `null` when it is acceptable.
 */
export function nameProblem(name, what) {
  if (name.length === 0) return `${what} is empty`;
  if (encoder.encode(name).length > NAME_BYTES_MAX) {
    return `${what} is longer than ${NAME_BYTES_MAX} bytes`;
  }
  if (/\p{Cc}/u.test(name)) return `${what} contains control characters`;
  if (name.trim() !== name) {
    return `${what} must not start or end with whitespace`;
  }
  if (RESERVED_TOPICS.includes(name)) return `${what} "${name}" is reserved`;
  return null;
}
