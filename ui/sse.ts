/**
 * Server-sent events as a web-standard `Response`, fed by an async iterator.
 *
 * The stream pulls one event at a time, so a slow browser slows only its own
 * iterator (whose source is bounded); when the browser goes away the
 * iterator's `signal` aborts and every wait inside it ends.
 *
 * @module
 */

/** One event to send. */
export interface SseEvent {
  /** Event name (`event:` field). */
  event: string;
  /** Payload, sent as JSON on one `data:` line. */
  data: unknown;
  /** Optional id (`id:` field); browsers resend the last one on reconnect. */
  id?: number;
}

/** How an SSE response behaves. */
export interface SseOptions {
  /** Idle time after which a comment line is sent to keep proxies open. */
  heartbeatMs: number;
  /** Reconnect delay the browser should use (`retry:` field). */
  retryMs?: number;
  /** Called when the iterator throws; the browser gets an `error` event. */
  onError?: (error: unknown) => void;
  /** Ends the stream from the server side (on shutdown). */
  shutdown?: AbortSignal;
  /** Called each time a keep-alive comment is sent (the stream is alive). */
  onHeartbeat?: () => void;
  /**
   * Called once when the stream ends, however it ends (iterator done or
   * failed, browser gone, shutdown, or refused for want of a slot):
   * releases what the stream holds.
   */
  onClose?: () => void;
  /**
   * The app's open streams: the stream takes a slot before anything else
   * (before `open` runs) and gives it back when it ends; with every slot
   * taken the answer is {@linkcode busyResponse} instead.
   */
  slots?: StreamSlots;
}

/**
 * A counter of open streams with a fixed capacity: a stream takes a slot
 * before any work is done for it and gives it back when it ends, so a
 * client opening streams in a loop is refused instead of exhausting file
 * descriptors and memory.
 */
export class StreamSlots {
  readonly #capacity: number;
  #open = 0;

  /** Creates a counter allowing `capacity` streams at once. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Streams currently holding a slot. */
  get open(): number {
    return this.#open;
  }

  /** Most streams at once. */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Takes a slot: returns its release function (idempotent), or null when
   * every slot is taken.
   */
  tryAcquire(): (() => void) | null {
    if (this.#open >= this.#capacity) return null;
    this.#open++;
    return once(() => this.#open--);
  }
}

/**
 * `release` made safe to call any number of times: only the first call
 * runs it (a stream's slot is given back once, however the stream ends).
 */
export function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

/** Refusal of a stream past the app's limit of open streams. */
export const STREAMS_FULL_MESSAGE =
  "Too many event streams are open on this server; please try again later";

/** Seconds a refused client is asked to wait (`Retry-After`). */
export const BUSY_RETRY_AFTER_S = 5;

/**
 * The 503 answer to a request refused for lack of capacity: a JSON
 * `{ "error": message }` with `Retry-After`, so well-behaved clients back
 * off instead of retrying at once.
 */
export function busyResponse(
  message: string,
  retryAfterS: number = BUSY_RETRY_AFTER_S,
): Response {
  return Response.json({ error: message }, {
    status: 503,
    headers: {
      "Retry-After": String(retryAfterS),
      "Cache-Control": "no-store",
    },
  });
}

const encoder = new TextEncoder();

/**
 * Encodes one event in the SSE wire format. JSON never contains a raw line
 * break, so the payload always fits one `data:` line.
 */
export function formatSseEvent(event: SseEvent): string {
  const id = event.id === undefined ? "" : `id: ${event.id}\n`;
  const name = event.event.replace(/[\r\n]/g, "");
  return `${id}event: ${name}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * Builds a `text/event-stream` response from `open(signal)`. `signal` aborts
 * when the browser disconnects (the body is cancelled) or `shutdown` aborts;
 * the iterator must then finish promptly. With `slots` full, the answer is a
 * 503 and `open` never runs.
 *
 * @example
 * ```ts
 * import { sseResponse } from "./sse.ts";
 * const response = sseResponse(async function* () {
 *   yield { event: "hello", data: { n: 1 } };
 * }, { heartbeatMs: 15_000 });
 * console.log(await response.text()); // "event: hello\ndata: {\"n\":1}\n\n"
 * ```
 */
export function sseResponse(
  open: (signal: AbortSignal) => AsyncIterator<SseEvent>,
  options: SseOptions,
): Response {
  const releaseSlot = options.slots ? options.slots.tryAcquire() : () => {};
  if (releaseSlot === null) {
    options.onClose?.();
    return busyResponse(STREAMS_FULL_MESSAGE);
  }
  const abort = new AbortController();
  let iterator: AsyncIterator<SseEvent> | undefined;
  let pending: Promise<IteratorResult<SseEvent>> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    releaseSlot();
    options.onClose?.();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const signal = options.shutdown === undefined
        ? abort.signal
        : AbortSignal.any([abort.signal, options.shutdown]);
      try {
        iterator = open(signal);
      } catch (error) {
        finish();
        throw error;
      }
      if (options.retryMs !== undefined) {
        controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
      }
    },
    async pull(controller) {
      if (iterator === undefined) return;
      pending ??= iterator.next();
      const heartbeat = new Promise<"heartbeat">((resolve) => {
        timer = setTimeout(() => resolve("heartbeat"), options.heartbeatMs);
      });
      let result: IteratorResult<SseEvent> | "heartbeat";
      try {
        result = await Promise.race([pending, heartbeat]);
      } catch (error) {
        options.onError?.(error);
        const message = error instanceof Error ? error.message : String(error);
        controller.enqueue(
          encoder.encode(formatSseEvent({ event: "error", data: { message } })),
        );
        controller.close();
        finish();
        return;
      } finally {
        clearTimeout(timer);
      }
      if (result === "heartbeat") {
        controller.enqueue(encoder.encode(": keep-alive\n\n"));
        options.onHeartbeat?.();
        return;
      }
      pending = undefined;
      if (result.done) {
        controller.close();
        finish();
        return;
      }
      controller.enqueue(encoder.encode(formatSseEvent(result.value)));
    },
    async cancel() {
      clearTimeout(timer);
      abort.abort();
      try {
        // The iterator ends on its own once the signal aborts; wait for it
        // so nothing it holds outlives the response.
        await pending?.catch(() => undefined);
        if (iterator?.return) await iterator.return().catch(() => undefined);
      } finally {
        finish();
      }
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    },
  });
}
