/**
 * Script mode helpers: reading commands line by line from a file or a
 * pipe. Lines starting with `#` and blank lines are skipped.
 *
 * @module
 */

/** The lines of a stream, as they arrive (UTF-8, `\n` or `\r\n`). */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      yield buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  if (buffered.length > 0) yield buffered.replace(/\r$/, "");
}

/** Whether a script line is to be run (not blank, not a `#` comment). */
export function isScriptCommand(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length > 0 && !trimmed.startsWith("#");
}
