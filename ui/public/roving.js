// Lists of buttons as one Tab stop (the roving tabindex pattern): only one
// item of the list is in the Tab order, the arrow keys, Home and End move
// between items, and Enter or Space (the buttons' own) open one. A list that
// is drawn again keeps its Tab stop, and the focus, on the same item.

/**
 * Where a key moves focus in a list of `count` items from item `index`
 * (-1: from outside the list), or `null` for a key the list ignores. The
 * arrows stop at the ends.
 */
export function rovingIndex(index, key, count) {
  if (count <= 0) return null;
  switch (key) {
    case "ArrowDown":
      return index < 0 ? 0 : Math.min(index + 1, count - 1);
    case "ArrowUp":
      return index < 0 ? count - 1 : Math.max(index - 1, 0);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

function itemsOf(list) {
  return [...list.querySelectorAll("button")];
}

function makeStop(items, stop) {
  for (const item of items) item.tabIndex = item === stop ? 0 : -1;
}

/**
 * Makes `list`'s buttons one Tab stop, moved by the arrow keys. Call once;
 * then call {@linkcode keepRovingStop} after each redraw.
 */
export function setupRovingList(list) {
  list.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const items = itemsOf(list);
    const next = rovingIndex(
      items.indexOf(document.activeElement),
      event.key,
      items.length,
    );
    if (next === null) return;
    event.preventDefault();
    makeStop(items, items[next]);
    items[next].focus();
  });
  // A click (or a focus from elsewhere) moves the Tab stop too.
  list.addEventListener("focusin", (event) => {
    const items = itemsOf(list);
    if (items.includes(event.target)) makeStop(items, event.target);
  });
}

/**
 * Draws `list`'s items with `draw()` and keeps one Tab stop: while the
 * focus is in the list, on the item with the focused one's `data-key` (the
 * focus follows: a redraw replaces the focused button); otherwise on the
 * `aria-current` item (where the person is), else the item that was the
 * stop, else the first.
 */
export function keepRovingStop(list, draw) {
  const items = itemsOf(list);
  const focused = items.find((item) => item === document.activeElement);
  const key = (focused ?? items.find((item) => item.tabIndex === 0))?.dataset
    .key;
  draw();
  const drawn = itemsOf(list);
  const sameKey = key
    ? drawn.find((item) => item.dataset.key === key)
    : undefined;
  const current = drawn.find((item) =>
    item.getAttribute("aria-current") === "true"
  );
  const stop = (focused ? sameKey ?? current : current ?? sameKey) ??
    drawn[0];
  makeStop(drawn, stop);
  if (focused && stop) stop.focus();
}

/** Moves focus into `list`, on its Tab stop. */
export function focusRovingList(list) {
  const items = itemsOf(list);
  (items.find((item) => item.tabIndex === 0) ?? items[0])?.focus();
}
