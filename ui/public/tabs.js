// The three views as accessible tabs: arrow keys, Home and End move between
// tabs (roving tabindex), and the URL hash remembers the view.

/**
 * Wires `tablist` (an element with role="tablist" holding role="tab"
 * buttons whose aria-controls name their panels). `onChange(name)` is called
 * with the tab's data-view whenever the shown view changes.
 */
export function setupTabs(tablist, onChange) {
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];

  function select(tab, focus) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(
        other.getAttribute("aria-controls"),
      );
      if (panel) panel.hidden = !selected;
    }
    if (focus) tab.focus();
    const view = tab.dataset.view;
    if (location.hash !== `#${view}`) {
      history.replaceState(null, "", `#${view}`);
    }
    onChange(view);
  }

  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") {
        next = tabs[(index - 1 + tabs.length) % tabs.length];
      } else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        select(next, true);
      }
    });
  }

  const fromHash = () =>
    tabs.find((tab) => `#${tab.dataset.view}` === location.hash) ?? tabs[0];
  globalThis.addEventListener("hashchange", () => select(fromHash(), false));
  select(fromHash(), false);
}
