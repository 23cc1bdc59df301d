// Short messages for the person: errors stay until dismissed or replaced by
// time; each is announced by screen readers through the live region.

import { byId, h } from "./dom.js";

const TOAST_MS = 6000;
const TOASTS_MAX = 4;

/** Shows `message`; `kind` is "error" (default) or "info". */
export function toast(message, kind = "error") {
  const region = byId("toasts");
  const close = h("button", {
    class: "toast-close",
    type: "button",
    "aria-label": "Dismiss",
    text: "×",
  });
  const item = h(
    "div",
    {
      class: `toast toast-${kind}`,
      role: kind === "error" ? "alert" : "status",
    },
    h("span", { class: "toast-text", text: message }),
    close,
  );
  const remove = () => item.remove();
  close.addEventListener("click", remove);
  setTimeout(remove, TOAST_MS);
  region.append(item);
  while (region.children.length > TOASTS_MAX) {
    region.firstElementChild?.remove();
  }
}

/** Shows an error thrown by an API call (or anything else). */
export function toastError(error) {
  toast(error instanceof Error ? error.message : String(error), "error");
}
