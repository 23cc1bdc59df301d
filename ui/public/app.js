// Entry point of the browser app: wires the three views to the tabs.

import { initChat, setChatVisible } from "./chat.js";
import { setClusterVisible } from "./dashboard.js";
import { byId } from "./dom.js";
import { setupTabs } from "./tabs.js";
import { initTests } from "./tests.js";

initTests();
setupTabs(byId("tabs"), (view) => {
  setChatVisible(view === "chat");
  setClusterVisible(view === "cluster");
});
initChat();
