/**
 * Test helper: reads server-sent events from a `Response` one at a time,
 * with a deadline so a missing event fails the test instead of hanging it.
 *
 * @module
 */

/** One parsed event. */
export interface ReceivedEvent {
  /** `event:` field (`"message"` when absent). */
  event: string;
  /** `data:` parsed as JSON. */
  data: unknown;
  /** `id:` field, when present. */
  id?: string;
}

/** Reads events from an SSE response body. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";

  /** Starts reading `response`'s body. */
  constructor(response: Response) {
    if (response.body === null) throw new Error("Response has no body");
    this.#reader = response.body.getReader();
  }

  /**
   * The next event (comments and `retry:` lines skipped). Rejects when the
   * stream ends or nothing arrives within `timeoutMs`.
   */
  async next(timeoutMs = 2000): Promise<ReceivedEvent> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`No event within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#next(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Skips events until one named `event` arrives, and returns it. */
  async nextOf(event: string, timeoutMs = 2000): Promise<ReceivedEvent> {
    for (;;) {
      const received = await this.next(timeoutMs);
      if (received.event === event) return received;
    }
  }

  /** Stops reading and cancels the stream (the server side cleans up). */
  async close(): Promise<void> {
    await this.#reader.cancel();
  }

  async #next(): Promise<ReceivedEvent> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const parsed = parseBlock(block);
        if (parsed !== null) return parsed;
        continue;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("Event stream ended");
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }
}

function parseBlock(block: string): ReceivedEvent | null {
  let event = "message";
  let data: string | undefined;
  let id: string | undefined;
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data = line.slice(6);
    else if (line.startsWith("id: ")) id = line.slice(4);
  }
  if (data === undefined) return null;
  return { event, data: JSON.parse(data), id };
}
