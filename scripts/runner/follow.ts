/**
 * `tail -f` for several files at once: prints the last lines of each, then
 * new lines as they are appended, each prefixed with its source. A file
 * that shrinks (truncated or replaced) is read again from the start; one
 * that does not exist yet is picked up when it appears.
 *
 * @module
 */

import { tailLines } from "./readiness.ts";
import { readFileRange } from "./file_range.ts";

/** One followed file. */
export interface FollowSource {
  /** Prefix of its lines. */
  label: string;
  /** The file. */
  path: string;
}

/** Options of {@link followFiles}. */
export interface FollowOptions {
  /** Lines of history to print first, per file (default 20). */
  lines?: number;
  /** Keep following (default true); false prints the history and returns. */
  follow?: boolean;
  /** Stops following. */
  signal?: AbortSignal;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /** How often files are checked for growth (default 250 ms). */
  pollMs?: number;
}

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];

/** Prints and follows `sources` until `signal` aborts (or once). */
export async function followFiles(
  sources: readonly FollowSource[],
  options: FollowOptions = {},
): Promise<void> {
  const write = options.write ?? ((line: string) => console.log(line));
  const width = Math.max(...sources.map((s) => s.label.length));
  const color = !Deno.noColor && Deno.stdout.isTerminal() &&
    options.write === undefined;
  const prefix = sources.map((s, i) => {
    const label = s.label.padEnd(width);
    return color
      ? `\x1b[${COLORS[i % COLORS.length]}m${label}\x1b[0m | `
      : `${label} | `;
  });
  const offsets: number[] = [];
  const partial: string[] = sources.map(() => "");
  for (const [i, source] of sources.entries()) {
    const history = await tailLines(source.path, options.lines ?? 20);
    if (history !== "(no output)") {
      for (const line of history.split("\n")) {
        write(prefix[i] + line.replace(/^ {2}/, ""));
      }
    }
    offsets.push(await _size(source.path));
  }
  if (options.follow === false) return;
  const decoder = new TextDecoder();
  while (!options.signal?.aborted) {
    for (const [i, source] of sources.entries()) {
      const size = await _size(source.path);
      if (size < offsets[i]) {
        write(`${prefix[i]}--- file truncated, reading from the start`);
        offsets[i] = 0;
      }
      if (size === offsets[i]) continue;
      const bytes = await readFileRange(
        source.path,
        offsets[i],
        size - offsets[i],
      );
      offsets[i] += bytes.length;
      const text = partial[i] + decoder.decode(bytes);
      const lines = text.split("\n");
      partial[i] = lines.pop() ?? "";
      for (const line of lines) write(prefix[i] + line);
    }
    await _pause(options.pollMs ?? 250, options.signal);
  }
}

async function _size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

function _pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
