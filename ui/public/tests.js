// The tests page: runs the acceptance suite through the UI server and shows
// each result as it streams in, then the totals.

import { postStream } from "./api.js";
import { byId, formatDuration, h, replaceChildren } from "./dom.js";
import { resultLook } from "./test_result.js";
import { toastError } from "./toast.js";

const el = {
  run: byId("run-tests"),
  stats: byId("test-stats"),
  progress: byId("test-progress"),
  bar: byId("test-progress-bar"),
  results: byId("test-results"),
  empty: byId("tests-empty"),
  state: byId("test-state"),
};

const run = {
  passed: 0,
  // Of `passed`, those whose disruptive part was not exercised.
  partial: 0,
  failed: 0,
  total: null,
  durationMs: null,
  startedMs: 0,
};

function stat(label, value, tone = "") {
  return h(
    "div",
    { class: "stat" },
    h("div", { class: "stat-label", text: label }),
    h("div", { class: `stat-value ${tone}`, text: value }),
  );
}

function renderStats() {
  const total = run.total ?? run.passed + run.failed;
  const elapsed = run.durationMs ??
    (run.startedMs ? performance.now() - run.startedMs : 0);
  replaceChildren(
    el.stats,
    stat("Passed", String(run.passed), run.passed > 0 ? "good" : ""),
    stat("Failed", String(run.failed), run.failed > 0 ? "bad" : ""),
    stat(
      "Total",
      run.total === null && run.startedMs ? `${total}…` : String(total),
    ),
    stat("Duration", run.startedMs ? formatDuration(elapsed) : "—"),
  );
}

function resultNode(result) {
  const message = typeof result.message === "string" ? result.message : "";
  const look = resultLook(result);
  return h(
    "li",
    {
      class: `result ${look.status}`,
      dataset: { name: result.name },
    },
    h("span", {
      class: "result-icon",
      role: "img",
      "aria-label": look.label,
      title: look.label,
      text: look.icon,
    }),
    h("span", { class: "result-name", text: result.name }),
    h("span", {
      class: "result-duration",
      text: formatDuration(Number(result.duration) || 0),
    }),
    message ? h("p", { class: "result-message", text: message }) : null,
  );
}

function setProgress(mode) {
  el.progress.classList.remove("running", "passed", "failed");
  el.progress.classList.add(mode);
  el.bar.style.width = mode === "running" ? "" : "100%";
  el.progress.setAttribute("aria-valuenow", mode === "running" ? "0" : "100");
  if (mode === "running") el.progress.setAttribute("aria-busy", "true");
  else el.progress.removeAttribute("aria-busy");
}

async function runSuite() {
  Object.assign(run, {
    passed: 0,
    partial: 0,
    failed: 0,
    total: null,
    durationMs: null,
  });
  run.startedMs = performance.now();
  el.run.disabled = true;
  el.run.textContent = "Running…";
  el.state.textContent = "Running…";
  el.empty.hidden = true;
  replaceChildren(el.results);
  setProgress("running");
  renderStats();
  const ticker = setInterval(renderStats, 250);
  let finished = false;
  try {
    await postStream("/api/tests/run", {}, (name, data) => {
      if (name === "result") {
        if (data.passed) run.passed += 1;
        else run.failed += 1;
        if (resultLook(data).status === "partial") run.partial += 1;
        el.results.append(resultNode(data));
        el.state.textContent = `Running… ${run.passed + run.failed} done`;
      } else if (name === "summary") {
        finished = true;
        run.total = data.total;
        run.passed = data.passed;
        run.failed = data.total - data.passed;
        run.durationMs = data.duration;
        const ok = run.failed === 0;
        const partly = run.partial > 0
          ? `, ${run.partial} only partly checked`
          : "";
        el.state.textContent = ok
          ? `All ${data.total} passed${partly}`
          : `${run.failed} of ${data.total} failed${partly}`;
        setProgress(ok ? "passed" : "failed");
      } else if (name === "run_error" || name === "error") {
        finished = true;
        el.state.textContent = `The run stopped: ${data.message}`;
        setProgress("failed");
        toastError(new Error(`The test run stopped: ${data.message}`));
      }
    });
    if (!finished) {
      el.state.textContent = "The run ended without a summary";
      setProgress("failed");
    }
  } catch (error) {
    el.state.textContent = error instanceof Error
      ? error.message
      : String(error);
    setProgress("failed");
    toastError(error);
  } finally {
    clearInterval(ticker);
    if (run.durationMs === null) {
      run.durationMs = performance.now() - run.startedMs;
    }
    renderStats();
    el.run.disabled = false;
    el.run.textContent = "Run again";
  }
}

/** Wires the tests page. */
export function initTests() {
  el.run.addEventListener("click", runSuite);
  renderStats();
}
