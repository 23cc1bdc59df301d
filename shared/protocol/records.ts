/**
 * Validation of replication records ({@link ChatRecord}) received from
 * other servers, in `replication` publications and `sync` replies.
 *
 * @module
 */

import type { ChatRecord, RecordOp } from "../record.ts";
import type { Decoded } from "./envelope.ts";
import { isWireMap } from "./envelope.ts";
import { FieldReader, withRequestId } from "./fields.ts";

/** The record kinds, for validation and iteration. */
export const RECORD_OPS: readonly RecordOp[] = Object.freeze(
  [
    "user",
    "login",
    "channel",
    "subscribe",
    "publish",
    "message",
  ] as const,
);

/**
 * Validates one replication record: `origin` a name, `seq` ≥ 1, `clock`
 * ≥ 0, `timestamp` ≥ 0, `op` a {@link RecordOp} and `data` the fields that
 * op needs (names by the Names rules, texts non-empty and bounded). Unknown
 * extra fields are dropped. Never throws.
 *
 * @example
 * ```ts
 * import { parseChatRecord } from "@agora/shared/protocol";
 * parseChatRecord({ origin: "s", seq: 1, clock: 1, timestamp: 0,
 *   op: "user", data: { user: "ana" } }).ok; // true
 * ```
 */
export function parseChatRecord(value: unknown): Decoded<ChatRecord> {
  if (!isWireMap(value)) {
    return { ok: false, description: "A replication record must be a map." };
  }
  const r = new FieldReader(value);
  const origin = r.name("origin");
  const seq = r.integer("seq", 1);
  const clock = r.integer("clock", 0);
  const timestamp = r.seconds("timestamp");
  const op = r.get("op");
  const data = new FieldReader(r.map("data"));
  if (r.error !== undefined) return { ok: false, description: r.error };
  if (
    typeof op !== "string" || !(RECORD_OPS as readonly string[]).includes(op)
  ) {
    return {
      ok: false,
      description: `The field "op" must be one of ${RECORD_OPS.join(", ")}.`,
    };
  }
  const record = _record(op as RecordOp, data, origin, seq, clock, timestamp);
  return data.error === undefined
    ? { ok: true, value: record }
    : { ok: false, description: `In the record's "data": ${data.error}` };
}

function _record(
  op: RecordOp,
  d: FieldReader,
  origin: string,
  seq: number,
  clock: number,
  timestamp: number,
): ChatRecord {
  const head = { origin, seq, clock, timestamp };
  switch (op) {
    case "user":
      return { ...head, op, data: { user: d.name("user") } };
    case "login":
      return { ...head, op, data: { user: d.name("user") } };
    case "channel": {
      const user = d.optionalName("user");
      const data = user === undefined
        ? { channel: d.name("channel") }
        : { channel: d.name("channel"), user };
      return { ...head, op, data };
    }
    case "subscribe":
      return {
        ...head,
        op,
        data: { user: d.name("user"), channel: d.name("channel") },
      };
    case "publish":
      return {
        ...head,
        op,
        data: withRequestId({
          user: d.name("user"),
          channel: d.name("channel"),
          message: d.text("message"),
        }, d),
      };
    case "message":
      return {
        ...head,
        op,
        data: withRequestId({
          src: d.name("src"),
          dst: d.name("dst"),
          message: d.text("message"),
        }, d),
      };
    default: {
      const unreachable: never = op;
      throw new Error(`Unhandled record op "${unreachable}".`);
    }
  }
}
