/**
 * Renders a {@link StatusReport} as a readable table. Pure.
 *
 * @module
 */

import type { StatusReport } from "./status_report.ts";

/**
 * The report as text: one row per service, then the coordinator and the
 * reference's view.
 *
 * @example
 * ```ts ignore
 * console.log(formatStatus(await collectStatus(runner)));
 * ```
 */
export function formatStatus(report: StatusReport): string {
  const header = [
    "SERVICE",
    "PID",
    "ENDPOINT",
    "HEALTH",
    "RANK",
    "ROLE",
    "CLOCK",
    "DETAIL",
  ];
  const rows = report.services.map((s) => [
    s.name,
    s.process === "running"
      ? String(s.pid)
      : s.process === "stale"
      ? `stale(${s.pid ?? "?"})`
      : "-",
    s.endpoint,
    // A service that is not running says so, rather than "down".
    s.process === "stopped" && s.health !== "ok" ? "stopped" : s.health,
    s.rank === undefined || s.rank === null ? "-" : String(s.rank),
    _role(s),
    s.clock === undefined ? "-" : String(s.clock),
    _detail(s),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const render = (cells: string[]) =>
    cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i]))
      .join("  ").trimEnd();
  const lines = [render(header), ...rows.map(render)];
  const views = Object.entries(report.coordinatorViews);
  lines.push("");
  if (views.length === 0) {
    lines.push("coordinator: unknown (no server answered its status)");
  } else if (report.coordinator !== null) {
    lines.push(
      `coordinator: ${report.coordinator} (agreed by ${
        views.map(([n]) => n).join(", ")
      })`,
    );
  } else {
    lines.push(
      `coordinator: no agreement (${
        views.map(([n, c]) => `${n} → ${c ?? "none"}`).join(", ")
      })`,
    );
  }
  lines.push(
    `reference list: ${
      report.referenceList.length === 0
        ? "(empty or no answer)"
        : report.referenceList.map((e) => `${e.name}#${e.rank}`).join(", ")
    }`,
  );
  lines.push(`root: ${report.root}`);
  return lines.join("\n");
}

function _role(s: StatusReport["services"][number]): string {
  if (s.folder !== "server" || s.coordinator === undefined) return "-";
  if (s.coordinator === null) return "electing";
  return s.coordinator === s.name ? "coordinator" : "follower";
}

function _detail(s: StatusReport["services"][number]): string {
  const parts: string[] = [];
  if (s.listed === false && s.process === "running") parts.push("not listed");
  if (s.counts !== undefined) {
    parts.push(
      Object.entries(s.counts).map(([k, v]) => `${k}=${v}`).join(" "),
    );
  }
  // A healthy probe's description says nothing new; failures and bots
  // (when they last published) do.
  if (
    (s.health !== "ok" || s.folder === "bot") && s.detail !== "" &&
    s.process !== "stopped"
  ) {
    parts.push(s.detail);
  }
  return parts.join("; ");
}
