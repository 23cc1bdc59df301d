// The messages of one conversation, kept in cluster order and without
// duplicates (history pages and live events overlap). No DOM here.

/** Key of a conversation: `#channel` or `@user` (names may hold anything). */
export function keyOf(kind, name) {
  return `${kind === "channel" ? "#" : "@"}${name}`;
}

function seqOf(id) {
  const seq = Number(String(id).slice(String(id).lastIndexOf(":") + 1));
  return Number.isFinite(seq) ? seq : 0;
}

/** Cluster order: (clock, origin server, origin sequence). */
export function compareMessages(a, b) {
  if (a.clock !== b.clock) return a.clock - b.clock;
  if (a.server !== b.server) return a.server < b.server ? -1 : 1;
  return seqOf(a.id) - seqOf(b.id);
}

/**
 * Adds the messages of `messages` that `conv` ({messages, ids}) does not
 * hold yet, each at its place in cluster order; returns how many were new.
 */
export function addMessages(conv, messages) {
  let added = 0;
  for (const message of messages) {
    if (
      !message || typeof message.id !== "string" || conv.ids.has(message.id)
    ) {
      continue;
    }
    conv.ids.add(message.id);
    let index = conv.messages.length;
    while (
      index > 0 && compareMessages(conv.messages[index - 1], message) > 0
    ) {
      index -= 1;
    }
    conv.messages.splice(index, 0, message);
    added += 1;
  }
  return added;
}
