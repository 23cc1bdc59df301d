// DOM helpers. Every piece of text goes in through text nodes or
// textContent: this file is the only place elements are built, and it never
// parses markup, so user-controlled strings cannot become HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Creates an element. `props`: `class`, `text`, `on` (event map), `dataset`,
 * `style` (CSS custom properties / properties via setProperty), any other key
 * becomes an attribute (booleans toggle it). Children: nodes or strings
 * (strings become text nodes), nested arrays flattened, null skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

/** Creates an SVG element (same props as `h`). */
export function svg(tag, props = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

function applyProps(element, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.setAttribute("class", value);
    else if (key === "text") element.textContent = String(value);
    else if (key === "on") {
      for (const [type, handler] of Object.entries(value)) {
        element.addEventListener(type, handler);
      }
    } else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "style") {
      for (const [name, v] of Object.entries(value)) {
        element.style.setProperty(name, String(v));
      }
    } else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(
      typeof child === "string" ? document.createTextNode(child) : child,
    );
  }
}

/** Replaces every child of `element`. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** `document.getElementById` that throws when the element is missing. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Missing element #${id}`);
  return element;
}

/**
 * A name to splice into a sentence, wrapped in Unicode's first-strong
 * isolate (U+2068 … U+2069): a name holding a right-to-left override
 * (U+202E) or other bidi controls then cannot reorder the text around it
 * ("only you and ‮nimda see…" read backwards). Elements that show a name
 * alone get `unicode-bidi: isolate` from the stylesheet.
 */
export function isolate(name) {
  return `\u2068${name}\u2069`;
}

/** A stable hue (0–359) for a name, to colour avatars and chart lines. */
export function hueOf(name) {
  let hash = 2166136261;
  for (const char of name) {
    hash ^= char.codePointAt(0);
    hash = Math.imul(hash, 16777619);
  }
  return Math.abs(hash) % 360;
}

/** First visible character of a name, upper-cased, for avatars. */
export function initialOf(name) {
  const first = [...name.trim()][0] ?? "?";
  return first.toUpperCase();
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** `HH:MM:SS` of a protocol timestamp (seconds since the epoch). */
export function formatTime(seconds) {
  return timeFormat.format(new Date(seconds * 1000));
}

/** Full date and time of a protocol timestamp. */
export function formatDateTime(seconds) {
  return dateTimeFormat.format(new Date(seconds * 1000));
}

/** Milliseconds as a signed, one-decimal string: `+12.3 ms`. */
export function formatOffset(ms) {
  if (ms === null || ms === undefined) return "—";
  const sign = ms > 0 ? "+" : ms < 0 ? "−" : "±";
  return `${sign}${Math.abs(ms).toFixed(1)} ms`;
}

/** A duration in ms as `850 ms` or `2.4 s`. */
export function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
