import { equal, ok, rejects } from "node:assert/strict";
import { HttpError } from "./http_errors.ts";
import { readBounded } from "./request_body.ts";

/** A body of `chunks` chunks of `size` bytes, counting what was pulled. */
function body(chunks: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      seen.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(32));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

Deno.test("readBounded() reads a body up to the limit, whole", async () => {
  const { stream } = body(4, 1000);
  equal((await readBounded(stream, 4000)).length, 4000);
  equal((await readBounded(null, 10)).length, 0);
});

Deno.test("readBounded() stops reading a long body past the limit (a chunked upload declares no length)", async () => {
  // 100 MB offered in 64 KiB chunks: only the first chunks are pulled.
  const { stream, seen } = body(1600, 65_536);
  await rejects(
    readBounded(stream, 16 * 1024),
    (e: unknown) => e instanceof HttpError && e.status === 413,
  );
  ok(seen.cancelled, "the stream was cancelled");
  ok(seen.pulled <= 2 * 65_536, `pulled ${seen.pulled} bytes`);
});
