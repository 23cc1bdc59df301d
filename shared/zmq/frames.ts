/**
 * Normalising what callers pass to `send()` into frames.
 *
 * @module
 */

import { ZmqError } from "./errors.ts";

/** One frame as callers may give it: bytes, an ArrayBuffer, or text (sent as UTF-8). */
export type FrameLike = Uint8Array | ArrayBuffer | string;

/** A message: one frame, or the frames of a multipart message. */
export type MessageLike = FrameLike | FrameLike[];

const encoder = new TextEncoder();

/** One frame as bytes. Uint8Arrays are used as-is (libzmq copies them on send). */
export function toFrame(part: FrameLike): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  throw new ZmqError(
    `Could not send message: a frame must be a Uint8Array, ArrayBuffer or string, got ${
      describe(part)
    }`,
    {
      code: "EINVAL",
    },
  );
}

/** The frames of a message; an empty array is rejected (ZeroMQ has no empty messages, only empty frames). */
export function toFrames(message: MessageLike): Uint8Array[] {
  if (!Array.isArray(message)) return [toFrame(message)];
  if (message.length === 0) {
    throw new ZmqError(
      'Could not send message: it has no frames (send [""] for one empty frame)',
      { code: "EINVAL" },
    );
  }
  return message.map(toFrame);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    return (value as object).constructor?.name ?? "object";
  }
  return typeof value;
}
