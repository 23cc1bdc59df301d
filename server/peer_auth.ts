/**
 * Authentication between servers: an HMAC-SHA256 keyed with the cluster
 * secret (`AGORA_CLUSTER_SECRET`), as lowercase hex in the `auth` field.
 *
 * What the MAC covers is text built from the *parsed* values, never the
 * received bytes, so any MessagePack encoder that keeps the values keeps
 * the MAC valid:
 *
 * - a `replicate` publication: `"agora/replicate/v1\n"` followed by the JSON
 *   array of its records, each as
 *   `[origin, seq, clock, timestamp, op, [data values in the op's order]]`
 *   (`user`: user; `login`: user; `channel`: channel, then user when given;
 *   `subscribe`: user, channel; `publish`: user, channel, message, then
 *   request_id when given; `message`: src, dst, message, then request_id
 *   when given);
 * - a reply to a signed request (`sync`, `sync_state`; `clock`, `election`
 *   and `status` when signed): `"agora/reply/v1\n"` followed by the JSON
 *   array `[service, the request's auth, ...fields]`, the fields being
 *   `sync`: last, then the records' array as for `replicate`; `sync_state`:
 *   the vector as `[origin, seq]` pairs sorted by origin; `clock`: time;
 *   `election`: election; `status`: name, rank, coordinator (`null` when
 *   absent). The request's MAC ties the reply to one signed request, so
 *   only a cluster member can answer it: anyone can register a name at the
 *   reference, a `sync` reply's records are stored as they come, a `clock`
 *   reply moves Berkeley's average, and `status` and `election` replies
 *   steer elections;
 * - a request: `"agora/request/v1\n"` followed by the JSON array
 *   `[service, timestamp, clock, ...fields]`, the fields per service being
 *   `clock_adjust`: adjust, name, round (`null` when absent); `sync`:
 *   origin, after, limit; `sync_state`, `status`, `clock`, `election`:
 *   none. A request's `timestamp` must be within
 *   {@linkcode REQUEST_FRESHNESS_SECONDS} of the receiver's clock, which
 *   bounds how long a captured request can be replayed.
 *
 * Numbers are written by `JSON.stringify` (shortest round-trip form), so
 * both ends produce the same text for the same values.
 *
 * @module
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import { compareCodePoints } from "@agora/shared/order";
import type { ChatRecord } from "@agora/shared/record";

/** How far a request's timestamp may be from the receiver's clock, seconds. */
export const REQUEST_FRESHNESS_SECONDS = 60;

const REPLICATE_DOMAIN = "agora/replicate/v1\n";
const REQUEST_DOMAIN = "agora/request/v1\n";
const REPLY_DOMAIN = "agora/reply/v1\n";
const encoder = new TextEncoder();

/** The record as the JSON array the MAC covers (see the module docs). */
function recordTuple(record: ChatRecord): unknown[] {
  let data: unknown[];
  switch (record.op) {
    case "user":
    case "login":
      data = [record.data.user];
      break;
    case "channel":
      data = record.data.user === undefined
        ? [record.data.channel]
        : [record.data.channel, record.data.user];
      break;
    case "subscribe":
      data = [record.data.user, record.data.channel];
      break;
    case "publish":
      data = [record.data.user, record.data.channel, record.data.message];
      if (record.data.request_id !== undefined) {
        data.push(record.data.request_id);
      }
      break;
    case "message":
      data = [record.data.src, record.data.dst, record.data.message];
      if (record.data.request_id !== undefined) {
        data.push(record.data.request_id);
      }
      break;
    default: {
      const never: never = record;
      throw new Error(`Unhandled record ${JSON.stringify(never)}`);
    }
  }
  return [
    record.origin,
    record.seq,
    record.clock,
    record.timestamp,
    record.op,
    data,
  ];
}

/** Computes and checks MACs with one cluster secret. */
export class PeerAuth {
  readonly #key: Uint8Array;

  /** Uses `secret` (UTF-8) as the HMAC key. */
  constructor(secret: string) {
    this.#key = encoder.encode(secret);
  }

  /** The MAC of a `replicate` publication carrying `records`. */
  replication(records: readonly ChatRecord[]): string {
    return this.#mac(
      REPLICATE_DOMAIN + JSON.stringify(records.map(recordTuple)),
    );
  }

  /** Whether `auth` is the MAC of `records`. */
  verifyReplication(
    records: readonly ChatRecord[],
    auth: string | undefined,
  ): boolean {
    return auth !== undefined && this.#equal(auth, this.replication(records));
  }

  /**
   * The MAC of a request: `service`, its stamp and its covered `fields`
   * (see the module docs for which, in which order).
   */
  request(
    service: string,
    stamp: { timestamp?: number; clock?: number },
    fields: readonly unknown[],
  ): string {
    return this.#mac(
      REQUEST_DOMAIN +
        JSON.stringify([
          service,
          stamp.timestamp ?? null,
          stamp.clock ?? null,
          ...fields,
        ]),
    );
  }

  /**
   * Checks a request's MAC and freshness against `nowSeconds`; returns why
   * it is refused, or `undefined` when it is good.
   */
  checkRequest(
    service: string,
    stamp: { timestamp?: number; clock?: number },
    fields: readonly unknown[],
    auth: string | undefined,
    nowSeconds: number,
  ): string | undefined {
    if (auth === undefined) {
      return `The service "${service}" needs the cluster's "auth".`;
    }
    if (
      stamp.timestamp === undefined ||
      Math.abs(stamp.timestamp - nowSeconds) > REQUEST_FRESHNESS_SECONDS
    ) {
      return `The "${service}" request's timestamp is missing or stale.`;
    }
    if (!this.#equal(auth, this.request(service, stamp, fields))) {
      return `The "${service}" request's "auth" is not valid.`;
    }
    return undefined;
  }

  /**
   * The MAC binding a reply's `data` to the signed request `requestAuth`
   * (see the module docs), or `undefined` for a service whose replies are
   * not authenticated.
   */
  reply(
    service: string,
    requestAuth: string,
    data: Record<string, unknown>,
  ): string | undefined {
    const fields = authenticatedReplyFields(service, data);
    if (fields === undefined) return undefined;
    return this.#mac(
      REPLY_DOMAIN + JSON.stringify([service, requestAuth, ...fields]),
    );
  }

  /**
   * Checks the `auth` in a reply's `data` to the signed request
   * `requestAuth`; returns why it is refused, or `undefined` when it is
   * good (or the service's replies are not authenticated).
   */
  checkReply(
    service: string,
    requestAuth: string,
    data: Record<string, unknown>,
  ): string | undefined {
    const expected = this.reply(service, requestAuth, data);
    if (expected === undefined) return undefined;
    if (typeof data.auth !== "string") {
      return `The "${service}" reply carries no "auth".`;
    }
    if (!this.#equal(data.auth, expected)) {
      return `The "${service}" reply's "auth" is not valid.`;
    }
    return undefined;
  }

  #mac(text: string): string {
    return createHmac("sha256", this.#key).update(text).digest("hex");
  }

  #equal(given: string, expected: string): boolean {
    if (given.length !== expected.length) return false;
    return timingSafeEqual(encoder.encode(given), encoder.encode(expected));
  }
}

/**
 * The fields a reply's MAC covers (see the module docs), or `undefined` for
 * a service whose replies are not authenticated.
 */
function authenticatedReplyFields(
  service: string,
  data: Record<string, unknown>,
): unknown[] | undefined {
  switch (service) {
    case "sync":
      return [
        data.last,
        (data.records as readonly ChatRecord[]).map(recordTuple),
      ];
    case "sync_state":
      return [
        Object.entries(data.vector as Record<string, number>).sort((
          [a],
          [b],
        ) => compareCodePoints(a, b)),
      ];
    case "clock":
      return [data.time];
    case "election":
      return [data.election];
    case "status":
      return [data.name, data.rank ?? null, data.coordinator ?? null];
    default:
      return undefined;
  }
}
