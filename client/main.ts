/**
 * agora terminal client. Interactive when stdin is a terminal (line editor,
 * live messages printed above the line being typed); otherwise, or with
 * `--script FILE`, runs commands line by line and prints plain lines.
 *
 * Exit status: 0, or 1 when the login failed or (non-interactive) any
 * command failed; 2 for bad options.
 *
 * @module
 */

import {
  AgoraClient,
  AgoraError,
  clientOptionsFromConfig,
} from "@agora/shared/client";
import { loadConfig } from "@agora/shared/config";
import {
  colourWanted,
  createStyle,
  formatError,
  formatInfo,
  sanitize,
  type Style,
} from "./format.ts";
import { promptName } from "./commands.ts";
import { clientOptions } from "./options.ts";
import { isScriptCommand, readLines } from "./script.ts";
import { ChatSession, loginNameProblem } from "./session.ts";
import { Terminal } from "./terminal.ts";

/** How often the interactive client looks for messages it missed, ms. */
const REFILL_INTERVAL_MS = 5000;

const encoder = new TextEncoder();
const config = loadConfig(clientOptions, {
  program: "agora-client",
  summary: "Chat on an agora cluster from the terminal.",
});
const style = createStyle(
  colourWanted(Deno.stdout.isTerminal(), _env("NO_COLOR")),
);
const client = new AgoraClient(clientOptionsFromConfig(config));
const interactive = config.script === undefined && Deno.stdin.isTerminal();

const code = interactive ? await runInteractive() : await runScript();
await client.close();
Deno.exit(code);

async function runInteractive(): Promise<number> {
  const terminal = new Terminal();
  const stop = (signal: Deno.Signal) => {
    terminal.stop();
    Deno.exit(signal === "SIGINT" ? 130 : 143);
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  terminal.start();
  terminal.print(
    style.bold("agora") +
      style.dim(" — /help lists the commands, Ctrl-D quits."),
  );
  let session: ChatSession | undefined;
  let refill: ReturnType<typeof setInterval> | undefined;
  let user = config.user;
  try {
    while (session === undefined) {
      if (user === undefined) {
        terminal.setPrompt(style.bold("Your name: "));
        const line = await terminal.readLine();
        if (line === null) return 0;
        user = promptName(line);
        const problem = loginNameProblem(user);
        if (problem !== undefined) {
          terminal.print(formatError(problem, style));
          user = undefined;
          continue;
        }
      }
      try {
        session = await ChatSession.start({
          client,
          user,
          print: (line) => terminal.print(line),
          style,
          joinHistory: config.joinHistory,
        });
      } catch (error) {
        terminal.print(formatError(_message(error), style));
        // A name given on the command line cannot be asked again.
        if (config.user !== undefined) return 1;
        user = undefined;
      }
    }
    terminal.print(formatInfo(
      `Logged in as ${session.user}. /channels to look around, /join <channel> to chat.`,
      style,
    ));
    // Messages stored while the proxy was down never arrive live: look
    // for them now and then (one `history` per joined channel).
    const current = session;
    let refilling = false;
    refill = setInterval(() => {
      if (refilling) return;
      refilling = true;
      current.refill().finally(() => refilling = false);
    }, REFILL_INTERVAL_MS);
    for (;;) {
      terminal.setPrompt(_prompt(session, style));
      const line = await terminal.readLine();
      if (line === null) break;
      if (await session.execute(line) === "quit") break;
    }
    return 0;
  } finally {
    clearInterval(refill);
    session?.close();
    terminal.stop();
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}

async function runScript(): Promise<number> {
  const print = (line: string) => _writeLine(line);
  let source: ReadableStream<Uint8Array>;
  try {
    source = config.script === undefined
      ? Deno.stdin.readable
      : (await Deno.open(config.script)).readable;
  } catch (error) {
    print(formatError(`Cannot read the script: ${_message(error)}`, style));
    return 1;
  }
  const lines = readLines(source);
  let user = config.user;
  while (user === undefined) {
    // Not `for await … break`: that would close the stream for good.
    const next = await lines.next();
    if (next.done) break;
    if (isScriptCommand(next.value)) user = next.value.trim();
  }
  // Names can never be deleted: a script that forgot its user line must not
  // log in as "/join general".
  if (config.user === undefined && user?.startsWith("/")) {
    print(
      formatError(
        `No user: the first line "${
          sanitize(user)
        }" is a command. Put the user name on the first line or pass --user NAME.`,
        style,
      ),
    );
    return 1;
  }
  if (user === undefined) {
    print(
      formatError(
        "No user: pass --user NAME or put it on the first line.",
        style,
      ),
    );
    return 1;
  }
  let session: ChatSession;
  try {
    session = await ChatSession.start({
      client,
      user,
      print,
      style,
      confirmPosts: true,
      joinHistory: config.joinHistory,
    });
  } catch (error) {
    print(
      formatError(
        `Cannot log in as "${sanitize(user)}": ${_message(error)}${
          error instanceof AgoraError && error.code === "unavailable"
            ? " Is agora running? Start it with `deno task up`."
            : ""
        }`,
        style,
      ),
    );
    return 1;
  }
  print(formatInfo(`Logged in as ${session.user}.`, style));
  try {
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line = next.value;
      if (!isScriptCommand(line)) continue;
      print(style.dim(`> ${sanitize(line)}`));
      if (await session.execute(line) === "quit") break;
    }
    if (config.waitMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, config.waitMs));
    }
    return session.failures > 0 ? 1 : 0;
  } finally {
    session.close();
  }
}

function _prompt(session: ChatSession, s: Style): string {
  const where = session.channel === undefined
    ? s.dim("(no channel)")
    : s.cyan(`#${sanitize(session.channel)}`);
  return `${where} ${s.user(sanitize(session.user))}> `;
}

function _writeLine(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    offset += Deno.stdout.writeSync(bytes.subarray(offset));
  }
}

function _message(error: unknown): string {
  if (error instanceof AgoraError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function _env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
