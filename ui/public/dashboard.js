// The cluster dashboard: one server-sent event stream (open only while the
// view is shown) brings status snapshots and cluster events; the view shows
// summary tiles, a card per server, the clock-offset chart, the events feed
// and the reference's list. The feed (event_feed.js) shows each event once,
// by its id, newest first by the time it happened; a (re)connection's
// snapshot replaces it. Sync rounds come every few seconds, so the feed has
// filters by kind (toggle buttons with counts) to find the rare elections
// and catch-ups, and keeps those when full (see event_feed.js).

import {
  byId,
  formatDateTime,
  formatOffset,
  formatTime,
  h,
  replaceChildren,
} from "./dom.js";
import { drawOffsetChart, seriesColor } from "./chart.js";
import {
  addEvents,
  countKinds,
  FEED_FILTERS,
  newFeed,
  shownEvents,
} from "./event_feed.js";

const SAMPLES_KEPT = 120;
const EVENTS_KEPT = 100;

const el = {
  live: byId("cluster-live"),
  stats: byId("cluster-stats"),
  grid: byId("server-grid"),
  chart: byId("offset-chart"),
  legend: byId("chart-legend"),
  feed: byId("event-feed"),
  filters: byId("event-filters"),
  feedEmpty: byId("events-empty"),
  referenceBody: byId("reference-table").tBodies[0],
  referenceState: byId("reference-state"),
};

const state = {
  source: null,
  status: null,
  samples: [],
  feed: newFeed(),
  filter: "all",
  error: null,
};

// ---------- stream ----------

function connect() {
  const source = new EventSource("/api/cluster/stream");
  state.source = source;
  setLive("connecting", "connecting");
  source.addEventListener("snapshot", (event) => {
    const { status, events, samples } = JSON.parse(event.data);
    state.samples = samples.slice(-SAMPLES_KEPT);
    state.feed = newFeed();
    addEvents(state.feed, events, EVENTS_KEPT);
    if (status) applyStatus(status, false);
    renderEvents([]);
    setLive("live", "live");
  });
  source.addEventListener("status", (event) => {
    applyStatus(JSON.parse(event.data), true);
    setLive("live", "live");
  });
  source.addEventListener("status_error", (event) => {
    const { message } = JSON.parse(event.data);
    setLive("down", message);
  });
  source.addEventListener("cluster_event", (event) => {
    const clusterEvent = JSON.parse(event.data);
    const added = addEvents(state.feed, [clusterEvent], EVENTS_KEPT);
    if (added.length === 0) return;
    // Only news newer than the status shown may correct it before the next
    // poll: an older event (read late from a server's ring) is already in it.
    const news = state.status &&
      clusterEvent.timestamp > state.status.timestamp;
    if (clusterEvent.type === "election" && news) {
      // Show the new coordinator now rather than at the next poll.
      state.status.coordinator = clusterEvent.coordinator;
      for (const server of state.status.servers) {
        server.coordinator = server.name === clusterEvent.coordinator;
      }
      renderStatus();
    }
    if (clusterEvent.type === "server_down" && news) {
      const server = state.status.servers.find((s) =>
        s.name === clusterEvent.server
      );
      if (server) server.alive = false;
      renderStatus();
    }
    renderEvents(added);
    renderChart();
  });
  source.addEventListener("error", () => {
    setLive(
      source.readyState === EventSource.CLOSED ? "down" : "connecting",
      "reconnecting",
    );
  });
}

function setLive(name, text) {
  el.live.dataset.state = name;
  el.live.textContent = text;
}

function applyStatus(status, asSample) {
  state.status = status;
  if (asSample) {
    const offsetsMs = {};
    for (const server of status.servers) {
      offsetsMs[server.name] = server.clockOffsetMs;
    }
    state.samples.push({ timestamp: status.timestamp, offsetsMs });
    if (state.samples.length > SAMPLES_KEPT) state.samples.shift();
  }
  renderStatus();
  renderChart();
}

// ---------- rendering ----------

function stat(label, value, tone = "") {
  return h(
    "div",
    { class: "stat" },
    h("div", { class: "stat-label", text: label }),
    h("div", { class: `stat-value ${tone}`, text: value, title: value }),
  );
}

function chip(text, tone = "", title = undefined) {
  return h("span", {
    class: `chip${tone ? ` chip-${tone}` : ""}`,
    text,
    title,
  });
}

function fact(label, value, title = undefined) {
  return h(
    "div",
    {},
    h("dt", { text: label }),
    h("dd", { text: value, title }),
  );
}

function serverCard(server, index) {
  const lag = server.replication?.lagRecords;
  const replication = !server.alive || lag === undefined
    ? "—"
    : lag === 0
    ? "in sync"
    : `${lag} behind`;
  const counts = server.counts;
  const vector = server.replication?.vector ?? {};
  const classes = ["server"];
  if (!server.alive) classes.push("down");
  if (server.coordinator) classes.push("coordinator");
  return h(
    "article",
    {
      class: classes.join(" "),
      dataset: { server: server.name },
      "aria-label": `${server.name}, rank ${server.rank}, ${
        server.alive ? "alive" : "down"
      }${server.coordinator ? ", coordinator" : ""}`,
    },
    h(
      "div",
      { class: "server-head" },
      h("span", {
        class: "avatar avatar-sm",
        "aria-hidden": "true",
        style: { "--color": seriesColor(index) },
        text: String(server.rank),
      }),
      h("span", { class: "server-name", text: server.name }),
      chip(`rank ${server.rank}`),
      server.alive ? chip("alive", "ok") : chip("down", "bad"),
      server.coordinator ? chip("♛ coordinator", "accent") : null,
      server.alive && !server.listed ? chip("not listed", "warn") : null,
    ),
    h(
      "dl",
      { class: "server-facts" },
      fact("Clock offset", formatOffset(server.clockOffsetMs)),
      fact(
        "Lamport clock",
        server.lamportClock === null ? "—" : String(server.lamportClock),
      ),
      fact("Channel msgs", counts ? String(counts.messages) : "—"),
      fact("Private msgs", counts ? String(counts.privateMessages) : "—"),
      fact("Users", counts ? String(counts.users) : "—"),
      fact("Channels", counts ? String(counts.channels) : "—"),
      fact(
        "Replication",
        replication,
        lag
          ? `${lag} records missing compared with the most advanced replica`
          : undefined,
      ),
      fact("Reference list", server.listed ? "listed" : "not listed"),
    ),
    h(
      "div",
      { class: "server-foot" },
      h("span", {
        class: "server-address",
        text: server.address ?? "no address",
      }),
      Object.entries(vector).sort().map(([origin, seq]) =>
        h("span", {
          text: `${origin}:${seq}`,
          title: `Holds ${origin}'s records up to ${seq}`,
        })
      ),
    ),
  );
}

function renderStatus() {
  const status = state.status;
  if (!status) return;
  const alive = status.servers.filter((s) => s.alive).length;
  const total = status.servers.length;
  replaceChildren(
    el.stats,
    stat(
      "Coordinator",
      status.coordinator ?? "none",
      status.coordinator ? "" : "bad",
    ),
    stat("Servers up", `${alive} / ${total}`, alive === total ? "good" : "bad"),
    stat(
      "Reference",
      status.referenceAlive ? `${status.reference.length} listed` : "down",
      status.referenceAlive ? "" : "bad",
    ),
    stat("Updated", formatTime(status.timestamp)),
  );
  replaceChildren(
    el.grid,
    status.servers.map((server, index) => serverCard(server, index)),
  );

  el.referenceState.textContent = status.referenceAlive
    ? `as of ${formatTime(status.timestamp)}`
    : "the reference did not answer";
  const rows = status.reference.map((entry) =>
    h(
      "tr",
      {},
      h("td", { text: String(entry.rank) }),
      h("td", { text: entry.name }),
      h("td", { class: "mono", text: entry.address ?? "—" }),
    )
  );
  if (rows.length === 0) {
    rows.push(
      h(
        "tr",
        {},
        h("td", { colspan: "3", class: "muted", text: "No server listed." }),
      ),
    );
  }
  replaceChildren(el.referenceBody, rows);
}

function renderChart() {
  const names = state.status?.servers.map((s) => s.name) ??
    [...new Set(state.samples.flatMap((s) => Object.keys(s.offsetsMs)))];
  const elections = state.feed.events.filter((e) => e.type === "election");
  drawOffsetChart(el.chart, state.samples, names, elections);
  const latest = state.samples[state.samples.length - 1]?.offsetsMs ?? {};
  replaceChildren(
    el.legend,
    names.map((name, index) =>
      h(
        "li",
        {},
        h("span", {
          class: "swatch",
          "aria-hidden": "true",
          style: { "--color": seriesColor(index) },
        }),
        h("span", { text: name }),
        h("span", { class: "muted", text: formatOffset(latest[name] ?? null) }),
      )
    ),
  );
}

function describe(event) {
  switch (event.type) {
    case "election":
      return [
        "Election",
        "accent",
        `${event.coordinator} is the new coordinator (L${event.clock})`,
      ];
    case "berkeley": {
      const parts = Object.entries(event.adjustmentsMs ?? {})
        .map(([name, ms]) => `${name} ${formatOffset(ms)}`);
      return [
        "Berkeley",
        "",
        `${event.coordinator} synced clocks: ${parts.join(", ")}`,
      ];
    }
    case "catch_up":
      return [
        "Catch-up",
        "warn",
        `${event.server} caught up ${event.records} record${
          event.records === 1 ? "" : "s"
        }${event.from ? ` from ${event.from}` : ""}`,
      ];
    case "server_up":
      return ["Up", "ok", `${event.server} is up`];
    case "server_down":
      return ["Down", "bad", `${event.server} is down`];
    default:
      return ["Event", "", JSON.stringify(event)];
  }
}

function eventNode(event, fresh) {
  const [label, tone, text] = describe(event);
  return h(
    "li",
    { class: `event${fresh ? " fresh" : ""}`, dataset: { type: event.type } },
    chip(label, tone),
    h("span", { class: "event-text", text }),
    h("time", {
      class: "event-time",
      datetime: new Date(event.timestamp * 1000).toISOString(),
      title: formatDateTime(event.timestamp),
      text: formatTime(event.timestamp),
    }),
  );
}

const EMPTY_TEXT = {
  all: "Nothing has happened yet.",
  election: "No election since the page opened.",
  catch_up: "No catch-up since the page opened.",
  sync: "No clock sync since the page opened.",
  up_down: "No server went up or down since the page opened.",
};

/** The filter toggles, each with how many events it would show. */
function renderFilters() {
  const counts = countKinds(state.feed.events);
  replaceChildren(
    el.filters,
    FEED_FILTERS.map(({ kind, label }) =>
      h(
        "button",
        {
          class: "filter-chip",
          type: "button",
          "aria-pressed": String(state.filter === kind),
          dataset: { kind },
          on: { click: () => setFilter(kind) },
        },
        label,
        h("span", { class: "filter-count", text: String(counts[kind]) }),
      )
    ),
  );
}

function setFilter(kind) {
  state.filter = kind;
  // The buttons are kept (not drawn again), so focus stays on the one used.
  for (const button of el.filters.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.kind === kind));
  }
  renderEvents([]);
}

/** Draws the feed; the events of `fresh` are marked as just arrived. */
function renderEvents(fresh) {
  const freshIds = new Set(fresh.map((event) => event.id));
  const shown = shownEvents(state.feed.events, state.filter);
  replaceChildren(
    el.feed,
    shown.map((event) => eventNode(event, freshIds.has(event.id))),
  );
  el.feedEmpty.hidden = shown.length > 0;
  el.feedEmpty.textContent = EMPTY_TEXT[state.filter];
  updateCounts();
}

/** Updates the toggles' counts in place (focus stays on a toggle). */
function updateCounts() {
  if (el.filters.childElementCount === 0) renderFilters();
  const counts = countKinds(state.feed.events);
  for (const button of el.filters.querySelectorAll("button")) {
    const count = String(counts[button.dataset.kind]);
    const badge = button.querySelector(".filter-count");
    if (badge.textContent !== count) badge.textContent = count;
  }
}

// The chart is drawn to its container's width: redraw when that changes (a
// resized window, a rotated phone, the view shown again).
let chartWidthPx = 0;
new ResizeObserver(() => {
  const widthPx = el.chart.clientWidth;
  if (widthPx === chartWidthPx) return;
  chartWidthPx = widthPx;
  if (widthPx > 0) renderChart();
}).observe(el.chart);

/** Opens the live stream while the dashboard is shown, closes it otherwise. */
export function setClusterVisible(visible) {
  if (visible && !state.source) connect();
  if (!visible && state.source) {
    state.source.close();
    state.source = null;
  }
}
