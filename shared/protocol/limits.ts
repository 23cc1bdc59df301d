/**
 * Every limit the protocol enforces, in one place.
 *
 * @module
 */

/** Longest chat message text, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 4096;

/** `history` / `private_history` page size when the request gives none. */
export const HISTORY_LIMIT_DEFAULT = 100;

/** Largest `history` / `private_history` page; larger requests are clamped. */
export const HISTORY_LIMIT_MAX = 1000;

/** `sync` page size (records) when the request gives none. */
export const SYNC_LIMIT_DEFAULT = 500;

/** Largest `sync` page (records); larger requests are clamped. */
export const SYNC_LIMIT_MAX = 2000;

/**
 * Largest request frame, in bytes. The largest legitimate request is a
 * `publish` with a full message (about 4.3 KiB); the margin is for foreign
 * clients that add fields.
 */
export const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Largest reply or publication payload, in bytes: a `sync` page of
 * {@link SYNC_LIMIT_MAX} full messages fits with room to spare.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of maps and arrays accepted in a frame. The deepest
 * legitimate frame is a replication record inside a `sync` reply (depth 5).
 */
export const MAX_NESTING_DEPTH = 16;

/** Longest `address` (a ZeroMQ endpoint) or `auth` string, in UTF-8 bytes. */
export const MAX_TOKEN_BYTES = 512;

/** Longest `request_id` (a client's key for a post, extension). */
export const REQUEST_ID_CHARS_MAX = 64;
