// A small SVG line chart of each server's clock offset over time, drawn with
// DOM SVG APIs (no markup strings). Gaps where a server did not answer stay
// gaps; elections are marked with a dashed vertical line.

import { h, replaceChildren, svg } from "./dom.js";

// The drawing is as wide as its container in CSS pixels, so the labels keep
// their font size on a phone instead of shrinking with a scaled-down image.
const WIDTH_DEFAULT = 640;
const WIDTH_MIN = 240;
const HEIGHT = 240;
const PAD = { left: 52, right: 14, top: 14, bottom: 28 };
const WINDOW_SECONDS_MIN = 10;
const RANGE_MS_MIN = 5;

// Distinct, colour-blind-friendly hues (Okabe–Ito based), by server order.
const PALETTE = [
  "#3b82f6",
  "#e69f00",
  "#009e73",
  "#d55e00",
  "#cc79a7",
  "#56b4e9",
  "#8b5cf6",
  "#a3a300",
];

/** Colour of the `index`-th server (chart line, legend, card badge). */
export function seriesColor(index) {
  return PALETTE[index % PALETTE.length];
}

function niceStep(range) {
  const raw = range / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (raw <= factor * power) return factor * power;
  }
  return 10 * power;
}

/**
 * Draws the chart into `container`.
 * @param {HTMLElement} container
 * @param {{timestamp: number, offsetsMs: Record<string, number|null>}[]} samples
 * @param {string[]} names servers, in legend order
 * @param {{timestamp: number, coordinator: string}[]} elections
 */
export function drawOffsetChart(container, samples, names, elections) {
  if (samples.length < 2 || names.length === 0) {
    replaceChildren(
      container,
      h("p", { class: "chart-empty", text: "Collecting clock samples…" }),
    );
    return;
  }
  const width = Math.max(
    Math.round(container.clientWidth) || WIDTH_DEFAULT,
    WIDTH_MIN,
  );
  const endS = samples[samples.length - 1].timestamp;
  const startS = Math.min(samples[0].timestamp, endS - WINDOW_SECONDS_MIN);
  const spanS = Math.max(endS - startS, 1);

  let low = 0;
  let high = 0;
  for (const sample of samples) {
    for (const value of Object.values(sample.offsetsMs)) {
      if (typeof value !== "number") continue;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  const margin = Math.max((high - low) * 0.12, RANGE_MS_MIN / 2);
  low -= margin;
  high += margin;
  const step = niceStep(high - low);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;

  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (seconds) => PAD.left + ((seconds - startS) / spanS) * plotW;
  const y = (ms) => PAD.top + ((high - ms) / (high - low)) * plotH;

  const grid = svg("g", { class: "grid" });
  for (let value = low; value <= high + step / 2; value += step) {
    const rounded = Math.round(value * 100) / 100;
    grid.append(
      svg("line", {
        x1: PAD.left,
        x2: width - PAD.right,
        y1: y(value),
        y2: y(value),
      }),
      svg("text", {
        x: PAD.left - 8,
        y: y(value) + 4,
        "text-anchor": "end",
        text: `${rounded > 0 ? "+" : ""}${rounded}`,
      }),
    );
  }
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const seconds = startS + (spanS * i) / ticks;
    const ago = Math.round(endS - seconds);
    grid.append(svg("text", {
      x: x(seconds),
      y: HEIGHT - 8,
      "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle",
      text: ago === 0 ? "now" : `−${ago}s`,
    }));
  }

  const markers = svg("g", {});
  for (const election of elections) {
    if (election.timestamp < startS || election.timestamp > endS) continue;
    const mx = x(election.timestamp);
    markers.append(
      svg("line", {
        class: "marker",
        x1: mx,
        x2: mx,
        y1: PAD.top,
        y2: HEIGHT - PAD.bottom,
      }),
      svg("text", {
        class: "marker-label",
        x: Math.min(mx + 4, width - PAD.right - 60),
        y: PAD.top + 10,
        text: `★ ${election.coordinator}`,
      }),
    );
  }

  const series = svg("g", {});
  for (const [index, name] of names.entries()) {
    let d = "";
    let penDown = false;
    for (const sample of samples) {
      const value = sample.offsetsMs[name];
      if (typeof value !== "number") {
        penDown = false;
        continue;
      }
      d += `${penDown ? "L" : "M"}${x(sample.timestamp).toFixed(1)} ${
        y(value).toFixed(1)
      } `;
      penDown = true;
    }
    if (d) {
      series.append(svg("path", {
        class: "series",
        d: d.trim(),
        stroke: seriesColor(index),
        "data-server": name,
      }));
    }
  }

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${width} ${HEIGHT}`,
      role: "img",
      "aria-label": `Clock offsets of ${names.length} servers over the last ${
        Math.round(spanS)
      } seconds`,
    },
    grid,
    svg("line", {
      class: "zero",
      x1: PAD.left,
      x2: width - PAD.right,
      y1: y(0),
      y2: y(0),
    }),
    markers,
    series,
  );
  replaceChildren(container, chart);
}
