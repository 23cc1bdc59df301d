// The chat view: login, channels (create, join, leave), private
// conversations, people, message history with paging back, live messages
// over server-sent events, unread counts. All user text goes through
// dom.js (text nodes only).

import { ApiError, getJson, postJson } from "./api.js";
import {
  byId,
  formatDateTime,
  formatTime,
  h,
  hueOf,
  initialOf,
  isolate,
  replaceChildren,
} from "./dom.js";
import { toast, toastError } from "./toast.js";
import { addMessages, keyOf } from "./message_list.js";
import { nameProblem, typedName } from "./names.js";
import { focusRovingList, keepRovingStop, setupRovingList } from "./roving.js";

const PAGE_SIZE = 50;
const POLL_MS = 5000;
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;
const GROUP_SECONDS = 300;
const CHANNELS_SHOWN_MAX = 200;

const el = {
  login: byId("login"),
  loginForm: byId("login-form"),
  loginName: byId("login-name"),
  loginError: byId("login-error"),
  loginSubmit: byId("login-submit"),
  chat: byId("chat"),
  me: byId("me"),
  meName: byId("me-name"),
  meAvatar: byId("me-avatar"),
  sideMeName: byId("side-me-name"),
  logout: byId("logout"),
  sidebar: byId("sidebar"),
  backdrop: byId("backdrop"),
  sidebarToggle: byId("sidebar-toggle"),
  sidebarBadge: byId("sidebar-badge"),
  newChannelToggle: byId("new-channel-toggle"),
  newChannelForm: byId("new-channel-form"),
  newChannelName: byId("new-channel-name"),
  channelFilter: byId("channel-filter"),
  channelList: byId("channel-list"),
  dmList: byId("dm-list"),
  dmEmpty: byId("dm-empty"),
  userList: byId("user-list"),
  peopleCount: byId("people-count"),
  title: byId("conv-title"),
  sub: byId("conv-sub"),
  live: byId("live-state"),
  leave: byId("leave-channel"),
  messages: byId("messages"),
  jump: byId("jump-latest"),
  composer: byId("composer"),
  input: byId("composer-input"),
  send: byId("send"),
  tabBadge: byId("tab-chat-badge"),
};

/** Everything the chat view knows; reset on logout. */
const state = {
  user: null,
  channels: [],
  joined: new Set(),
  peers: [],
  users: [],
  convs: new Map(),
  active: null,
  source: null,
  pollTimer: null,
  listsFailing: false,
  visible: false,
  // Whether the list shows its newest message; kept when the list's box
  // changes size (the composer grows, a phone keyboard opens).
  pinnedToBottom: true,
};

// ---------- conversations and message order ----------

function conversation(kind, name) {
  const key = keyOf(kind, name);
  let conv = state.convs.get(key);
  if (!conv) {
    conv = {
      key,
      kind,
      name,
      messages: [],
      ids: new Set(),
      loaded: false,
      hasMore: false,
      loading: false,
      unread: 0,
    };
    state.convs.set(key, conv);
  }
  return conv;
}

function authorOf(message) {
  return message.src ?? message.user ?? "?";
}

// ---------- rendering: messages ----------

function messageNode(message, previous) {
  const author = authorOf(message);
  const continued = previous !== undefined && authorOf(previous) === author &&
    message.timestamp - previous.timestamp < GROUP_SECONDS;
  const seconds = Number(message.timestamp);
  const validTime = Number.isFinite(seconds);
  return h(
    "article",
    {
      class: `msg${continued ? " cont" : ""}${
        author === state.user ? " msg-mine" : ""
      }`,
      dataset: { id: message.id },
    },
    h("span", {
      class: "avatar",
      "aria-hidden": "true",
      style: { "--hue": hueOf(author) },
      text: initialOf(author),
    }),
    h(
      "div",
      { class: "msg-body" },
      h(
        "div",
        { class: "msg-meta" },
        h("span", { class: "msg-author", text: author }),
        h("time", {
          datetime: validTime
            ? new Date(seconds * 1000).toISOString()
            : undefined,
          title: validTime ? formatDateTime(seconds) : undefined,
          text: validTime ? formatTime(seconds) : "—",
        }),
        h("span", {
          class: "clock",
          title:
            `Lamport clock ${message.clock} · stored by ${message.server} · id ${message.id}`,
          text: `L${message.clock}`,
        }),
      ),
      h("p", { class: "msg-text", text: message.message }),
    ),
  );
}

function historyEdge(conv) {
  if (conv.hasMore) {
    return h("button", {
      class: "btn btn-ghost btn-sm history-edge",
      type: "button",
      text: conv.loading ? "Loading…" : "Load earlier messages",
      disabled: conv.loading,
      on: { click: () => loadOlder(conv) },
    });
  }
  const text = conv.kind === "channel"
    ? `This is the beginning of #${isolate(conv.name)}.`
    : `This is the beginning of your conversation with ${isolate(conv.name)}.`;
  return h("p", { class: "history-edge", text });
}

function renderMessages({ keepAnchor = false } = {}) {
  const conv = state.convs.get(state.active);
  if (!conv) {
    replaceChildren(
      el.messages,
      h(
        "div",
        { class: "empty-conv" },
        h("strong", { text: "Nothing open" }),
        "Pick a channel or a person on the left, or create a channel.",
      ),
    );
    return;
  }
  const list = el.messages;
  const fromBottom = list.scrollHeight - list.scrollTop;
  const nodes = [];
  if (conv.loaded) nodes.push(historyEdge(conv));
  conv.messages.forEach((message, index) => {
    nodes.push(messageNode(message, conv.messages[index - 1]));
  });
  if (!conv.loaded) {
    nodes.push(h("p", { class: "history-edge", text: "Loading history…" }));
  } else if (conv.messages.length === 0) {
    nodes.push(
      h(
        "div",
        { class: "empty-conv" },
        h("strong", { text: "No messages yet" }),
        "Say something to start.",
      ),
    );
  }
  replaceChildren(list, nodes);
  // Keep what the person was looking at in place when older messages land.
  if (keepAnchor) list.scrollTop = list.scrollHeight - fromBottom;
}

function nearBottom() {
  const list = el.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight <
    NEAR_BOTTOM_PX;
}

function scrollToBottom() {
  el.messages.scrollTop = el.messages.scrollHeight;
  el.jump.hidden = true;
  state.pinnedToBottom = true;
}

// ---------- rendering: sidebar, header, badges ----------

function unreadBadge(count) {
  if (count <= 0) return null;
  return h("span", {
    class: "badge",
    "aria-label": `${count} unread`,
    text: count > 99 ? "99+" : String(count),
  });
}

function convButton(
  conv,
  { mark, label, extraClass = "", hint = null, avatar = null },
) {
  const unread = conv?.unread ?? 0;
  return h(
    "button",
    {
      class: `conv${unread > 0 ? " unread" : ""}${extraClass}`,
      type: "button",
      "aria-current": state.active === conv?.key ? "true" : undefined,
      dataset: { key: conv?.key ?? "" },
    },
    avatar ??
      h("span", { class: "conv-mark", "aria-hidden": "true", text: mark }),
    h("span", { class: "conv-name", text: label }),
    hint,
    unreadBadge(unread),
  );
}

function renderSidebar() {
  const filter = el.channelFilter.value.trim().toLowerCase();
  const names = [...new Set([...state.channels, ...state.joined])];
  const matching = names.filter((name) => name.toLowerCase().includes(filter));
  const joined = matching.filter((name) => state.joined.has(name)).sort();
  const others = matching.filter((name) => !state.joined.has(name)).sort()
    .slice(0, CHANNELS_SHOWN_MAX);

  const channelItems = [...joined, ...others].map((name) => {
    const isJoined = state.joined.has(name);
    const conv = conversation("channel", name);
    const button = convButton(conv, {
      mark: "#",
      label: name,
      extraClass: isJoined ? "" : " not-joined",
      hint: isJoined ? null : h("span", { class: "conv-hint", text: "join" }),
    });
    button.addEventListener(
      "click",
      () => openConversation("channel", name, true),
    );
    return h("li", {}, button);
  });
  const typed = typedName(el.channelFilter.value);
  if (typed && !names.includes(typed)) {
    const create = h(
      "button",
      {
        class: "conv",
        type: "button",
        dataset: { key: "create" },
        on: { click: () => createChannel(typed) },
      },
      h("span", { class: "conv-mark", "aria-hidden": "true", text: "+" }),
      h("span", {
        class: "conv-name",
        text: `Create #${typed}`,
      }),
    );
    channelItems.push(h("li", {}, create));
  }
  if (channelItems.length === 0) {
    channelItems.push(
      h("li", {
        class: "side-empty",
        text: filter ? "No channel matches." : "No channels yet.",
      }),
    );
  }
  keepRovingStop(
    el.channelList,
    () => replaceChildren(el.channelList, channelItems),
  );

  keepRovingStop(el.dmList, () =>
    replaceChildren(
      el.dmList,
      state.peers.map((peer) => {
        const conv = conversation("dm", peer);
        const button = convButton(conv, {
          label: peer,
          avatar: h("span", {
            class: "avatar avatar-sm",
            "aria-hidden": "true",
            style: { "--hue": hueOf(peer) },
            text: initialOf(peer),
          }),
        });
        button.addEventListener(
          "click",
          () => openConversation("dm", peer, true),
        );
        return h("li", {}, button);
      }),
    ));
  el.dmEmpty.hidden = state.peers.length > 0;

  const people = state.users.filter((user) => user !== state.user);
  el.peopleCount.textContent = people.length > 0 ? String(people.length) : "";
  keepRovingStop(el.userList, () =>
    replaceChildren(
      el.userList,
      people.map((user) => {
        const button = h(
          "button",
          {
            class: "conv",
            type: "button",
            dataset: { key: keyOf("dm", user) },
            title: `Send a private message to ${user}`,
            on: { click: () => openConversation("dm", user, true) },
          },
          h("span", {
            class: "avatar",
            "aria-hidden": "true",
            style: { "--hue": hueOf(user) },
            text: initialOf(user),
          }),
          h("span", { class: "conv-name", text: user }),
        );
        return h("li", {}, button);
      }),
    ));
  renderBadges();
}

function renderHeader() {
  const conv = state.convs.get(state.active);
  if (!conv) {
    el.title.textContent = "No conversation";
    el.sub.textContent = state.user
      ? `Signed in as ${isolate(state.user)}`
      : "";
    el.leave.hidden = true;
    el.composer.hidden = true;
    return;
  }
  if (conv.kind === "channel") {
    el.title.textContent = `#${conv.name}`;
    el.sub.textContent = "Channel · everyone who joins sees these messages";
    el.input.placeholder = `Message #${conv.name}`;
  } else {
    el.title.textContent = conv.name;
    el.sub.textContent = `Private · only you and ${
      isolate(conv.name)
    } see these messages`;
    el.input.placeholder = `Message ${conv.name}`;
  }
  el.leave.hidden = conv.kind !== "channel";
  el.composer.hidden = false;
}

function totalUnread() {
  let total = 0;
  for (const conv of state.convs.values()) total += conv.unread;
  return total;
}

function renderBadges() {
  const total = totalUnread();
  const label = total > 99 ? "99+" : String(total);
  el.tabBadge.hidden = total === 0;
  el.tabBadge.textContent = label;
  el.sidebarBadge.hidden = total === 0;
  el.sidebarBadge.textContent = label;
  document.title = total > 0 ? `(${label}) agora` : "agora";
}

function setLive(stateName) {
  el.live.dataset.state = stateName;
  el.live.textContent = stateName === "live"
    ? "live"
    : stateName === "down"
    ? "offline"
    : "connecting";
}

// ---------- narrow screens: the sidebar is a drawer ----------

function setDrawer(open) {
  el.sidebar.classList.toggle("open", open);
  el.backdrop.hidden = !open;
  el.sidebarToggle.setAttribute("aria-expanded", String(open));
  if (open) {
    const target = el.sidebar.querySelector('[aria-current="true"]') ??
      el.sidebar.querySelector("button, input");
    target?.focus();
  }
}

// ---------- actions ----------

async function openConversation(kind, name, byPerson) {
  if (kind === "channel" && !state.joined.has(name)) {
    try {
      await postJson("/api/channels/join", { channel: name });
      state.joined.add(name);
    } catch (error) {
      toastError(error);
      return;
    }
  }
  if (kind === "dm" && !state.peers.includes(name)) state.peers.unshift(name);
  const conv = conversation(kind, name);
  state.active = conv.key;
  conv.unread = 0;
  sessionStorage.setItem(`agora.active.${state.user}`, conv.key);
  setDrawer(false);
  renderHeader();
  renderSidebar();
  renderMessages();
  scrollToBottom();
  if (!conv.loaded) await loadInitial(conv);
  if (byPerson && matchMedia("(min-width: 761px)").matches) el.input.focus();
}

function historyPath(conv) {
  return conv.kind === "channel" ? "/api/messages" : "/api/private";
}

function historyQuery(conv, before) {
  const query = conv.kind === "channel"
    ? { channel: conv.name }
    : { peer: conv.name };
  return { ...query, limit: PAGE_SIZE, before };
}

async function loadInitial(conv) {
  if (conv.loading) return;
  conv.loading = true;
  try {
    const { messages } = await getJson(historyPath(conv), historyQuery(conv));
    addMessages(conv, messages);
    conv.hasMore = messages.length === PAGE_SIZE;
    conv.loaded = true;
  } catch (error) {
    toastError(error);
  } finally {
    conv.loading = false;
  }
  if (state.active === conv.key) {
    renderMessages();
    scrollToBottom();
    fillViewport(conv);
  }
}

async function loadOlder(conv) {
  if (conv.loading || !conv.hasMore || !conv.loaded) return;
  const oldest = conv.messages[0];
  if (!oldest) {
    conv.hasMore = false;
    return;
  }
  conv.loading = true;
  if (state.active === conv.key) renderMessages({ keepAnchor: true });
  try {
    const { messages } = await getJson(
      historyPath(conv),
      historyQuery(conv, oldest.id),
    );
    addMessages(conv, messages);
    conv.hasMore = messages.length === PAGE_SIZE;
  } catch (error) {
    toastError(error);
  } finally {
    conv.loading = false;
  }
  if (state.active === conv.key) {
    renderMessages({ keepAnchor: true });
    fillViewport(conv);
  }
}

/** Pages back until the list can scroll, so scrolling up can page further. */
function fillViewport(conv) {
  const list = el.messages;
  if (conv.hasMore && list.scrollHeight <= list.clientHeight + NEAR_TOP_PX) {
    loadOlder(conv);
  }
}

function onLive(kind, name, message) {
  const conv = conversation(kind, name);
  // Someone we have not listed yet (the list is polled): show them now.
  const author = authorOf(message);
  if (!state.users.includes(author)) {
    state.users = [...state.users, author].sort();
  }
  if (kind === "dm" && !state.peers.includes(name)) state.peers.unshift(name);
  const wasNearBottom = nearBottom();
  if (addMessages(conv, [message]) === 0) return;
  const isActive = state.active === conv.key;
  const seen = isActive && state.visible && !document.hidden;
  if (!seen && authorOf(message) !== state.user) conv.unread += 1;
  if (isActive && conv.loaded) {
    const last = conv.messages[conv.messages.length - 1];
    if (last === message && el.messages.querySelector(".empty-conv") === null) {
      el.messages.append(
        messageNode(message, conv.messages[conv.messages.length - 2]),
      );
    } else {
      renderMessages({ keepAnchor: true });
    }
    if (wasNearBottom || authorOf(message) === state.user) scrollToBottom();
    else el.jump.hidden = false;
  }
  renderSidebar();
}

async function createChannel(name) {
  const channel = typedName(name);
  if (!channel) {
    toast("Type a channel name first");
    return;
  }
  const problem = nameProblem(channel, "Channel name");
  if (problem !== null) {
    toast(problem);
    return;
  }
  try {
    await postJson("/api/channels", { channel });
    el.newChannelName.value = "";
    el.channelFilter.value = "";
    el.newChannelForm.hidden = true;
    el.newChannelToggle.setAttribute("aria-expanded", "false");
    if (!state.channels.includes(channel)) state.channels.push(channel);
    await openConversation("channel", channel, true);
  } catch (error) {
    toastError(error);
  }
}

async function leaveActiveChannel() {
  const conv = state.convs.get(state.active);
  if (!conv || conv.kind !== "channel") return;
  try {
    await postJson("/api/channels/leave", { channel: conv.name });
  } catch (error) {
    toastError(error);
    return;
  }
  state.joined.delete(conv.name);
  state.convs.delete(conv.key);
  state.active = null;
  renderHeader();
  renderSidebar();
  renderMessages();
}

async function sendMessage() {
  const conv = state.convs.get(state.active);
  const text = el.input.value;
  if (!conv || text.trim() === "") return;
  el.send.disabled = true;
  try {
    if (conv.kind === "channel") {
      await postJson("/api/messages", { channel: conv.name, message: text });
    } else {
      const { message } = await postJson("/api/private", {
        to: conv.name,
        message: text,
      });
      onLive("dm", conv.name, message);
    }
    el.input.value = "";
    autoGrow();
  } catch (error) {
    toastError(error);
  } finally {
    el.send.disabled = false;
    el.input.focus();
  }
}

function autoGrow() {
  // Empty, the box is one line: Chromium counts a wrapping placeholder in
  // scrollHeight, which grew the box (and hid the newest message) after
  // each send in a conversation with a long name.
  if (el.input.value === "") {
    el.input.style.height = "";
    return;
  }
  el.input.style.height = "auto";
  el.input.style.height = `${Math.min(el.input.scrollHeight + 2, 160)}px`;
}

async function refreshLists() {
  try {
    const [{ channels, joined }, { users }] = await Promise.all([
      getJson("/api/channels"),
      getJson("/api/users"),
    ]);
    state.channels = channels;
    state.joined = new Set(joined);
    state.users = users;
    if (state.listsFailing) toast("The cluster answers again", "info");
    state.listsFailing = false;
    renderSidebar();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signedOut("Your session ended — please log in again");
      return;
    }
    // Say it once, not every poll.
    if (!state.listsFailing) toastError(error);
    state.listsFailing = true;
  }
}

// ---------- live stream ----------

function connect() {
  return new Promise((resolve) => {
    const source = new EventSource("/api/events");
    state.source = source;
    setLive("connecting");
    let first = true;
    source.addEventListener("ready", () => {
      setLive("live");
      if (first) {
        first = false;
        resolve();
      } else {
        refreshLists();
      }
    });
    source.addEventListener("channel_message", (event) => {
      const message = JSON.parse(event.data);
      onLive("channel", message.channel, message);
    });
    source.addEventListener("private_message", (event) => {
      const message = JSON.parse(event.data);
      const peer = message.src === state.user ? message.dst : message.src;
      onLive("dm", peer, message);
    });
    source.addEventListener("reset", () => resync());
    source.addEventListener("logout", () => signedOut("You were logged out"));
    source.addEventListener("error", async () => {
      if (source.readyState !== EventSource.CLOSED) {
        setLive("connecting");
        return;
      }
      setLive("down");
      try {
        const session = await getJson("/api/session");
        if (session.user === null) {
          signedOut("Your session ended — please log in again");
        }
      } catch {
        // The UI server is unreachable; the person sees "offline".
      }
      if (first) {
        first = false;
        resolve();
      }
    });
  });
}

/** Some live events were dropped (a slow tab): reload what is shown. */
function resync() {
  for (const conv of state.convs.values()) {
    conv.messages = [];
    conv.ids = new Set();
    conv.loaded = false;
  }
  const conv = state.convs.get(state.active);
  if (conv) {
    renderMessages();
    loadInitial(conv);
  }
}

// ---------- session lifecycle ----------

async function enter(session) {
  state.user = session.user;
  state.joined = new Set(session.channels);
  state.peers = [...session.peers];
  el.meName.textContent = session.user;
  el.sideMeName.textContent = session.user;
  // At phone width the initial stands for the name (which is hidden there):
  // it carries the name for assistive technology and on hover, and the
  // drawer shows it in full.
  el.meAvatar.textContent = initialOf(session.user);
  el.meAvatar.title = session.user;
  el.meAvatar.setAttribute("aria-label", `Signed in as ${session.user}`);
  el.meAvatar.style.setProperty("--hue", String(hueOf(session.user)));
  el.me.hidden = false;
  el.login.hidden = true;
  el.chat.hidden = false;
  renderHeader();
  renderMessages();
  await connect();
  await refreshLists();
  state.pollTimer = setInterval(refreshLists, POLL_MS);

  const remembered = sessionStorage.getItem(`agora.active.${state.user}`);
  if (remembered) {
    const kind = remembered.startsWith("#") ? "channel" : "dm";
    const name = remembered.slice(1);
    if (kind === "dm" || state.channels.includes(name)) {
      await openConversation(kind, name, false);
      return;
    }
  }
  const first = [...state.joined].sort()[0] ??
    (state.channels.includes("general") ? "general" : undefined);
  if (first !== undefined) await openConversation("channel", first, false);
}

function signedOut(message) {
  state.source?.close();
  clearInterval(state.pollTimer);
  Object.assign(state, {
    user: null,
    channels: [],
    joined: new Set(),
    peers: [],
    users: [],
    convs: new Map(),
    active: null,
    source: null,
    pollTimer: null,
    listsFailing: false,
    pinnedToBottom: true,
  });
  el.me.hidden = true;
  el.chat.hidden = true;
  el.login.hidden = false;
  renderBadges();
  if (message) toast(message, "info");
  el.loginName.focus();
}

async function login(event) {
  event.preventDefault();
  // Spaces around the name are dropped, as the terminal client does.
  const user = typedName(el.loginName.value);
  el.loginError.textContent = "";
  const problem = user === ""
    ? "Type a name first."
    : nameProblem(user, "User name");
  if (problem !== null) {
    el.loginError.textContent = problem;
    el.loginName.focus();
    return;
  }
  el.loginSubmit.disabled = true;
  try {
    await postJson("/api/login", { user });
    const session = await getJson("/api/session");
    await enter(session);
    focusAfterLogin();
  } catch (error) {
    el.loginError.textContent = error instanceof Error
      ? error.message
      : String(error);
    el.loginName.focus();
  } finally {
    el.loginSubmit.disabled = false;
  }
}

/**
 * The login form the focus was in is gone: focus where the person types
 * next — the open conversation's composer, else the channel filter (at
 * phone width in the shut drawer, so the button that opens it).
 */
function focusAfterLogin() {
  if (!el.composer.hidden) el.input.focus();
  else if (el.sidebarToggle.offsetParent === null) el.channelFilter.focus();
  else el.sidebarToggle.focus();
}

async function logout() {
  try {
    await postJson("/api/logout", {});
  } catch (error) {
    toastError(error);
  }
  signedOut(null);
}

// ---------- wiring ----------

/** Shows the chat view's unread state as seen when it becomes visible. */
export function setChatVisible(visible) {
  state.visible = visible;
  if (!visible) return;
  const conv = state.convs.get(state.active);
  if (conv && conv.unread > 0) {
    conv.unread = 0;
    renderSidebar();
  }
}

/** Starts the chat view: resumes a live session or shows the login. */
export async function initChat() {
  el.loginForm.addEventListener("submit", login);
  el.logout.addEventListener("click", logout);
  el.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendMessage();
  });
  el.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendMessage();
    }
  });
  el.input.addEventListener("input", autoGrow);
  el.messages.addEventListener("scroll", () => {
    state.pinnedToBottom = nearBottom();
    if (state.pinnedToBottom) el.jump.hidden = true;
    const conv = state.convs.get(state.active);
    if (conv && el.messages.scrollTop < NEAR_TOP_PX) loadOlder(conv);
  });
  el.jump.addEventListener("click", scrollToBottom);
  // A resize does not scroll: keep the newest message in view once layout
  // has settled (observers run after layout, before paint).
  new ResizeObserver(() => {
    if (state.pinnedToBottom) {
      el.messages.scrollTop = el.messages.scrollHeight;
    }
  }).observe(el.messages);
  // The stylesheet lifts the toasts above the composer by its height, so an
  // error never covers the Send button (at phone width the whole composer)
  // the person needs to try again; the composer grows with its text.
  new ResizeObserver(() => {
    const heightPx = el.composer.offsetHeight;
    if (heightPx > 0) {
      document.documentElement.style.setProperty(
        "--composer-h",
        `${heightPx}px`,
      );
    }
  }).observe(el.composer);
  el.leave.addEventListener("click", leaveActiveChannel);
  el.newChannelToggle.addEventListener("click", () => {
    const open = el.newChannelForm.hidden;
    el.newChannelForm.hidden = !open;
    el.newChannelToggle.setAttribute("aria-expanded", String(open));
    if (open) el.newChannelName.focus();
  });
  el.newChannelForm.addEventListener("submit", (event) => {
    event.preventDefault();
    createChannel(el.newChannelName.value);
  });
  el.channelFilter.addEventListener("input", renderSidebar);
  for (const list of [el.channelList, el.dmList, el.userList]) {
    setupRovingList(list);
  }
  el.channelFilter.addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown") {
      // Into the matching channels, as in a combobox.
      event.preventDefault();
      focusRovingList(el.channelList);
      return;
    }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const typed = typedName(el.channelFilter.value);
    if (!typed) return;
    // The list is polled; someone may have just created this channel.
    if (!state.channels.includes(typed)) await refreshLists();
    if (state.channels.includes(typed)) {
      el.channelFilter.value = "";
      await openConversation("channel", typed, true);
    } else await createChannel(typed);
  });
  el.sidebarToggle.addEventListener(
    "click",
    () => setDrawer(!el.sidebar.classList.contains("open")),
  );
  el.backdrop.addEventListener("click", () => setDrawer(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && el.sidebar.classList.contains("open")) {
      setDrawer(false);
      el.sidebarToggle.focus();
    }
  });
  document.addEventListener(
    "visibilitychange",
    () => setChatVisible(state.visible),
  );

  try {
    const session = await getJson("/api/session");
    if (session.user) {
      await enter(session);
      return;
    }
  } catch (error) {
    toastError(error);
  }
  el.login.hidden = false;
  el.loginName.focus();
}
