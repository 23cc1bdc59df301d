/**
 * What `deno task status` shows: every service's process (pid files), its
 * health (asked for real), and the cluster's view: the reference's `list`
 * (ranks) and each server's `status` (rank, coordinator, Lamport clock,
 * counts).
 *
 * @module
 */

import { BOT_LOG_TAIL_BYTES, botActivity, readTail } from "./bot_activity.ts";
import { probeOnce } from "./readiness.ts";
import type { Runner } from "./runner.ts";
import { rpc, type RpcReply } from "./rpc.ts";

/** One service's line in the status. */
export interface ServiceStatusLine {
  /** Service name. */
  name: string;
  /** Its kind (topology folder). */
  folder: string;
  /** Process state from its pid file. */
  process: "running" | "stopped" | "stale";
  /** Pid when running (or the stale pid). */
  pid?: number;
  /** When it was started, ISO 8601. */
  startedAt?: string;
  /** Main endpoint(s), comma-separated. */
  endpoint: string;
  /**
   * `ok` when it answered its probe, `down` when not. A bot has no port: it
   * is `ok` while it keeps publishing (its log's last acknowledged message
   * is recent) and `quiet` when running without that.
   */
  health: "ok" | "down" | "quiet";
  /** What the probe said, or why it failed. */
  detail: string;
  /** Rank (servers: from their status or the reference's list). */
  rank?: number | null;
  /** Whom this server takes for coordinator. */
  coordinator?: string | null;
  /** Its Lamport clock (from the reply's stamp). */
  clock?: number;
  /** Its stored counts (`users`, `messages`, …). */
  counts?: Record<string, number>;
  /** Whether the reference lists it as live (servers). */
  listed?: boolean;
}

/** The whole status. */
export interface StatusReport {
  /** Runner root. */
  root: string;
  /** Per service, in topology order. */
  services: ServiceStatusLine[];
  /** The reference's `list` (empty when it did not answer). */
  referenceList: { name: string; rank: number; address?: string }[];
  /** The coordinator the answering servers agree on, or null. */
  coordinator: string | null;
  /** Server name → the coordinator it reports, for those that answered. */
  coordinatorViews: Record<string, string | null>;
  /** Client endpoints. */
  endpoints: Runner["endpoints"];
}

/** Collects the status of every service of `runner`. */
export async function collectStatus(
  runner: Runner,
  options: { timeoutMs?: number; secret?: string } = {},
): Promise<StatusReport> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const processes = await runner.processes();
  const referenceList = await _referenceList(runner, timeoutMs);
  const services = await Promise.all(processes.map(async (p) => {
    const line: ServiceStatusLine = {
      name: p.plan.name,
      folder: p.plan.folder,
      process: p.state,
      pid: p.record?.pid,
      startedAt: p.record?.startedAt,
      endpoint: Object.values(p.plan.endpoints).join(", ") || "-",
      health: "down",
      detail: p.state === "stale" ? `stale pid file: ${p.why}` : "",
    };
    if (p.plan.folder === "bot") {
      if (p.state !== "running") {
        line.detail ||= "not running";
        return line;
      }
      const activity = botActivity(
        await readTail(p.plan.logFile, BOT_LOG_TAIL_BYTES),
        Date.now(),
      );
      line.health = activity.health;
      line.detail = activity.detail;
      return line;
    }
    try {
      const answer = await probeOnce(p.plan.probe, timeoutMs);
      line.health = "ok";
      if (p.state !== "stale") line.detail = answer;
    } catch (error) {
      // A stale pid file is the more useful explanation of a dead service.
      if (p.state !== "stale") line.detail = (error as Error).message;
    }
    if (p.plan.folder === "server") {
      const entry = referenceList.find((e) => e.name === p.plan.name);
      line.listed = entry !== undefined;
      line.rank = entry?.rank;
      if (line.health === "ok") {
        await _serverStatus(line, p.plan.endpoints.rep, timeoutMs, options);
      }
    }
    return line;
  }));
  const views: Record<string, string | null> = {};
  for (const s of services) {
    if (s.coordinator !== undefined) views[s.name] = s.coordinator;
  }
  const named = new Set(Object.values(views));
  const coordinator = named.size === 1 ? [...named][0] : null;
  return {
    root: runner.paths.root,
    services,
    referenceList,
    coordinator,
    coordinatorViews: views,
    endpoints: runner.endpoints,
  };
}

async function _referenceList(
  runner: Runner,
  timeoutMs: number,
): Promise<StatusReport["referenceList"]> {
  try {
    const reply = await rpc(runner.endpoints.reference, "list", {}, {
      timeoutMs,
    });
    const list = reply.data.list;
    if (!Array.isArray(list)) return [];
    return list.filter((e) =>
      typeof e?.name === "string" && typeof e?.rank === "number"
    );
  } catch {
    return [];
  }
}

async function _serverStatus(
  line: ServiceStatusLine,
  endpoint: string,
  timeoutMs: number,
  options: { secret?: string },
): Promise<void> {
  let reply: RpcReply | undefined;
  try {
    reply = await rpc(endpoint, "status", {}, {
      timeoutMs,
      secret: options.secret,
    });
  } catch (error) {
    line.detail = `status: ${(error as Error).message}`;
    return;
  }
  const data = reply.data;
  // `lamport` (our extension) is the clock when the status was taken; the
  // reply's stamp comes one tick later.
  const clock = typeof data.lamport === "number" ? data.lamport : data.clock;
  if (typeof clock === "number") line.clock = clock;
  if (reply.service !== "status") {
    line.detail = `status refused: ${String(data.description ?? "")}`;
    return;
  }
  if (typeof data.rank === "number" || data.rank === null) {
    line.rank = data.rank as number | null;
  }
  if (typeof data.coordinator === "string" || data.coordinator === null) {
    line.coordinator = data.coordinator as string | null;
  }
  if (typeof data.counts === "object" && data.counts !== null) {
    line.counts = data.counts as Record<string, number>;
  }
}
