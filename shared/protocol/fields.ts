/**
 * Validated reads of the fields of a decoded `data` map. Internal to the
 * protocol parsers (not re-exported from `mod.ts`).
 *
 * A reader keeps the first problem it meets in {@link FieldReader.error}
 * and returns a harmless placeholder for the failed field, so a parser can
 * read every field and check once at the end.
 *
 * @module
 */

import type { WireMap } from "./envelope.ts";
import { isWireMap } from "./envelope.ts";
import {
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  REQUEST_ID_CHARS_MAX,
} from "./limits.ts";
import { parseMessageId } from "./message_id.ts";
import { validateName, validateNewName } from "./names.ts";
import { exceedsUtf8Bytes, utf8ByteLength } from "./utf8.ts";

const REQUEST_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${REQUEST_ID_CHARS_MAX}}$`);

/** Reads typed fields out of one `data` map, remembering the first error. */
export class FieldReader {
  /** The map being read. */
  readonly data: WireMap;
  /** The first problem found, as a sentence; `undefined` while all is well. */
  error: string | undefined = undefined;

  /** Starts reading `data`. */
  constructor(data: WireMap) {
    this.data = data;
  }

  /** The own property `key`, with nil read as absent. */
  get(key: string): unknown {
    if (!Object.hasOwn(this.data, key)) return undefined;
    const value = this.data[key];
    return value === null ? undefined : value;
  }

  /** Records `message` unless an earlier problem was recorded. */
  fail(message: string): void {
    this.error ??= message;
  }

  /** A required name (Names rules). */
  name(key: string): string {
    return this._name(key, false, true) ?? "";
  }

  /** A required name that is about to be created (also not reserved). */
  newName(key: string): string {
    return this._name(key, true, true) ?? "";
  }

  /** An optional name. */
  optionalName(key: string): string | undefined {
    return this._name(key, false, false);
  }

  /** A required chat message text: non-empty, at most MAX_TEXT_BYTES. */
  text(key: string): string {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, "");
    if (typeof value !== "string") {
      this.fail(`The field "${key}" must be a string.`);
      return "";
    }
    if (value.length === 0) {
      this.fail(`The field "${key}" must not be empty.`);
      return "";
    }
    if (exceedsUtf8Bytes(value, MAX_TEXT_BYTES)) {
      this.fail(
        `The field "${key}" must be at most ${MAX_TEXT_BYTES} bytes of UTF-8 (got ${
          utf8ByteLength(value)
        }).`,
      );
      return "";
    }
    return value;
  }

  /** A required string of any content and length (bounded by the frame). */
  string(key: string): string {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, "");
    if (typeof value !== "string") {
      this.fail(`The field "${key}" must be a string.`);
      return "";
    }
    return value;
  }

  /**
   * An optional client request key (`request_id`): 1 to
   * {@link REQUEST_ID_CHARS_MAX} characters from `A–Z a–z 0–9 . _ : -`.
   */
  optionalRequestId(key: string): string | undefined {
    const value = this.get(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || !REQUEST_ID.test(value)) {
      this.fail(
        `The field "${key}" must be 1 to ${REQUEST_ID_CHARS_MAX} characters from A-Z, a-z, 0-9, ".", "_", ":" and "-".`,
      );
      return undefined;
    }
    return value;
  }

  /**
   * An optional short token (an endpoint or an HMAC): a non-empty string of
   * at most MAX_TOKEN_BYTES without control characters.
   */
  optionalToken(key: string): string | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value.length === 0) {
      this.fail(`The field "${key}" must be a non-empty string.`);
      return undefined;
    }
    if (exceedsUtf8Bytes(value, MAX_TOKEN_BYTES)) {
      this.fail(`The field "${key}" must be at most ${MAX_TOKEN_BYTES} bytes.`);
      return undefined;
    }
    // deno-lint-ignore no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
      this.fail(`The field "${key}" must not contain control characters.`);
      return undefined;
    }
    return value;
  }

  /** An optional message id (`${server}:${seq}`), kept as the string. */
  optionalMessageId(key: string): string | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || parseMessageId(value) === undefined) {
      this.fail(
        `The field "${key}" must be a message id such as "server_1:42".`,
      );
      return undefined;
    }
    return value;
  }

  /** A required safe integer ≥ `min`. */
  integer(key: string, min: number): number {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, min);
    return this._integer(key, value, min) ?? min;
  }

  /** An optional safe integer ≥ `min`. */
  optionalInteger(key: string, min: number): number | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    return this._integer(key, value, min);
  }

  /**
   * An optional page size: `fallback` when absent, clamped to `max`,
   * at least 1.
   */
  limit(key: string, fallback: number, max: number): number {
    const value = this.optionalInteger(key, 1);
    if (value === undefined) return fallback;
    return value > max ? max : value;
  }

  /** A required finite number. */
  number(key: string): number {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, 0);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(`The field "${key}" must be a finite number.`);
      return 0;
    }
    return value;
  }

  /** A required finite number ≥ 0 (a time in seconds). */
  seconds(key: string): number {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, 0);
    return this._seconds(key, value) ?? 0;
  }

  /** An optional finite number ≥ 0 (a time in seconds). */
  optionalSeconds(key: string): number | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    return this._seconds(key, value);
  }

  /** A required list; each element must pass `read` (which may fail). */
  list<T>(key: string, read: (value: unknown, index: number) => T): T[] {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, []);
    if (!Array.isArray(value)) {
      this.fail(`The field "${key}" must be a list.`);
      return [];
    }
    const out: T[] = new Array(value.length);
    for (let i = 0; i < value.length && this.error === undefined; i++) {
      out[i] = read(value[i], i);
    }
    return out;
  }

  /** A required list of strings. */
  stringList(key: string): string[] {
    return this.list(key, (item, index) => {
      if (typeof item !== "string") {
        this.fail(`Element ${index} of "${key}" must be a string.`);
        return "";
      }
      return item;
    });
  }

  /** A required map → safe integer ≥ 0, copied into a null-prototype object. */
  countMap(key: string): Record<string, number> {
    const value = this.get(key);
    const out: Record<string, number> = Object.create(null);
    if (value === undefined) return this._missing(key, out);
    if (!isWireMap(value)) {
      this.fail(`The field "${key}" must be a map.`);
      return out;
    }
    for (const entry of Object.keys(value)) {
      const count = value[entry];
      if (
        typeof count !== "number" || !Number.isSafeInteger(count) || count < 0
      ) {
        this.fail(
          `The value of "${entry}" in "${key}" must be a non-negative integer.`,
        );
        return out;
      }
      out[entry] = count;
    }
    return out;
  }

  /** A required map, returned as decoded. */
  map(key: string): WireMap {
    const value = this.get(key);
    if (value === undefined) return this._missing(key, {});
    if (!isWireMap(value)) {
      this.fail(`The field "${key}" must be a map.`);
      return {};
    }
    return value;
  }

  /** The optional `timestamp` of the stamp. */
  timestamp(): number | undefined {
    return this.optionalSeconds("timestamp");
  }

  /** The optional `clock` of the stamp. */
  clock(): number | undefined {
    return this.optionalInteger("clock", 0);
  }

  private _missing<T>(key: string, placeholder: T): T {
    this.fail(`The field "${key}" is missing.`);
    return placeholder;
  }

  private _name(
    key: string,
    isNew: boolean,
    required: boolean,
  ): string | undefined {
    const value = this.get(key);
    if (value === undefined) {
      return required ? this._missing(key, undefined) : undefined;
    }
    const problem = isNew
      ? validateNewName(value, key)
      : validateName(value, key);
    if (problem !== undefined) {
      this.fail(problem);
      return undefined;
    }
    return value as string;
  }

  private _integer(
    key: string,
    value: unknown,
    min: number,
  ): number | undefined {
    if (
      typeof value !== "number" || !Number.isSafeInteger(value) || value < min
    ) {
      this.fail(
        min === 0
          ? `The field "${key}" must be a non-negative integer.`
          : min === 1
          ? `The field "${key}" must be a positive integer.`
          : `The field "${key}" must be an integer of at least ${min}.`,
      );
      return undefined;
    }
    return value;
  }

  private _seconds(key: string, value: unknown): number | undefined {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      this.fail(`The field "${key}" must be a non-negative number of seconds.`);
      return undefined;
    }
    return value;
  }
}

/**
 * `text` made safe to echo in a description: control characters replaced
 * by `?`, cut to `maxChars` with an ellipsis.
 */
export function printable(text: string, maxChars = 64): string {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}

/** Adds the optional `request_id` (extension) of a post when it has one. */
export function withRequestId<T extends object>(
  data: T,
  reader: FieldReader,
): T & { request_id?: string } {
  const requestId = reader.optionalRequestId("request_id");
  return requestId === undefined ? data : { ...data, request_id: requestId };
}
