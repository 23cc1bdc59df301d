/**
 * Reading part of a file that another process is appending to (a log): the
 * readiness checks, `deno task logs` and a bot's health all read a range.
 *
 * @module
 */

/**
 * Reads at most `maxBytes` from byte `from` of the file at `path`, or from
 * `-from` bytes before its end when `from` is negative (like `slice`). The
 * file's size is read once: bytes appended meanwhile are left for the next
 * call. Returns fewer bytes at the end of the file.
 *
 * @throws Deno.errors.NotFound when the file does not exist.
 */
export async function readFileRange(
  path: string,
  from: number,
  maxBytes: number,
): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const start = from < 0 ? Math.max(0, size + from) : from;
    if (start >= size) return new Uint8Array(0);
    await file.seek(start, Deno.SeekMode.Start);
    const bytes = new Uint8Array(Math.min(size - start, maxBytes));
    let read = 0;
    while (read < bytes.length) {
      const n = await file.read(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    file.close();
  }
}
