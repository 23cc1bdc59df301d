/**
 * The chat API: log in, channels, messages, private conversations, and the
 * per-session event stream. Every route but `login` acts as the session's
 * user, taken from the HttpOnly cookie — never from the request body.
 *
 * @module
 */

import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Cluster, PrivateMessage } from "./cluster.ts";
import { HttpError } from "./http_errors.ts";
import { readJsonObject } from "./request_body.ts";
import {
  type BrowserSession,
  SESSIONS_FULL_MESSAGE,
  SessionsFullError,
  type SessionStore,
} from "./sessions.ts";
import {
  busyResponse,
  type SseEvent,
  sseResponse,
  type StreamSlots,
} from "./sse.ts";
import {
  checkBefore,
  type Checked,
  checkLimit,
  checkMessage,
  checkName,
} from "./validation.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "agora_session";

/** Messages per history page when the browser does not say. */
export const HISTORY_LIMIT_DEFAULT = 50;

/** Most messages per history page (protocol maximum). */
export const HISTORY_LIMIT_MAX = 1000;

/** What the chat routes need besides the cluster. */
export interface ChatRoutesOptions {
  /** Live browser sessions. */
  store: SessionStore;
  /** Whether the cookie gets `Secure` (serve over HTTPS to use it). */
  secureCookie: boolean;
  /** Idle time after which streams send a keep-alive comment. */
  heartbeatMs: number;
  /** Open event streams of the whole app, bounded. */
  streams: StreamSlots;
  /** Reports unexpected stream failures. */
  log: (error: unknown) => void;
  /** Aborts when the app closes, ending every stream. */
  shutdown: AbortSignal;
}

/** Refusal of a stream past the session's limit. */
const SESSION_STREAMS_FULL_MESSAGE =
  "This session has too many event streams open; close a tab and try again";

type Env = { Variables: { session: BrowserSession } };

function valueOf<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new HttpError(400, checked.error);
  return checked.value;
}

/** Builds the chat API (mounted under `/api`). */
export function chatRoutes(
  cluster: Cluster,
  options: ChatRoutesOptions,
): Hono<Env> {
  const { store } = options;
  const routes = new Hono<Env>();

  routes.post("/login", async (c) => {
    const body = await readJsonObject(c);
    const user = valueOf(checkName(body.user, "User name"));
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous !== undefined) await store.destroy(previous);
    // Refused before a cluster session is opened for nothing.
    if (!await store.hasRoom()) {
      return busyResponse(SESSIONS_FULL_MESSAGE);
    }
    const chat = await cluster.login(user);
    let session: BrowserSession;
    try {
      session = await store.create(chat);
    } catch (error) {
      // Filled up by concurrent logins meanwhile; `create` closed `chat`.
      if (error instanceof SessionsFullError) {
        return busyResponse(error.message);
      }
      throw error;
    }
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "Strict",
      secure: options.secureCookie,
      path: "/",
    });
    return c.json({ user: session.user });
  });

  routes.post("/logout", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) await store.destroy(token);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });

  // Every route below acts as the cookie's session user.
  const auth = createMiddleware<Env>(async (c, next) => {
    const session = await store.get(getCookie(c, SESSION_COOKIE));
    if (session === undefined) throw new HttpError(401, "Please log in first");
    c.set("session", session);
    await next();
  });

  // Not behind `auth`: a page load asks who it is without a 401 in the
  // console; `user` is null when there is no live session.
  routes.get("/session", async (c) => {
    const session = await store.get(getCookie(c, SESSION_COOKIE));
    if (session === undefined) {
      return c.json({ user: null, channels: [], peers: [] });
    }
    return c.json({
      user: session.user,
      channels: [...session.channels.keys()],
      peers: [...session.peers],
    });
  });

  routes.get("/users", auth, async (c) => {
    const users = await c.get("session").chat.users();
    return c.json({ users });
  });

  routes.get("/channels", auth, async (c) => {
    const session = c.get("session");
    const channels = await session.chat.channels();
    return c.json({ channels, joined: [...session.channels.keys()] });
  });

  routes.post("/channels", auth, async (c) => {
    const body = await readJsonObject(c);
    const channel = valueOf(checkName(body.channel, "Channel name"));
    await c.get("session").chat.createChannel(channel);
    return c.json({ channel }, 201);
  });

  routes.post("/channels/join", auth, async (c) => {
    const body = await readJsonObject(c);
    const channel = valueOf(checkName(body.channel, "Channel name"));
    try {
      await store.join(c.get("session"), channel);
    } catch (error) {
      if (error instanceof RangeError) throw new HttpError(400, error.message);
      throw error;
    }
    return c.json({ channel });
  });

  routes.post("/channels/leave", auth, async (c) => {
    const body = await readJsonObject(c);
    const channel = valueOf(checkName(body.channel, "Channel name"));
    store.leave(c.get("session"), channel);
    return c.json({ channel });
  });

  routes.get("/messages", auth, async (c) => {
    const channel = valueOf(checkName(c.req.query("channel"), "Channel name"));
    const page = historyPage(c);
    const messages = await c.get("session").chat.history(channel, page);
    return c.json({ messages });
  });

  routes.post("/messages", auth, async (c) => {
    const body = await readJsonObject(c);
    const channel = valueOf(checkName(body.channel, "Channel name"));
    const message = valueOf(checkMessage(body.message));
    await c.get("session").chat.publish(channel, message);
    return c.json({ ok: true }, 201);
  });

  routes.get("/private", auth, async (c) => {
    const session = c.get("session");
    const peer = valueOf(checkName(c.req.query("peer"), "User name"));
    const page = historyPage(c);
    const messages = await session.chat.privateHistory(peer, page);
    store.addPeer(session, peer);
    // Only this pair's conversation, whatever the cluster returned.
    return c.json({
      messages: messages.filter((m) => isBetween(m, session.user, peer)),
    });
  });

  routes.post("/private", auth, async (c) => {
    const session = c.get("session");
    const body = await readJsonObject(c);
    const to = valueOf(checkName(body.to, "Recipient"));
    const message = valueOf(checkMessage(body.message));
    const sent = await session.chat.sendPrivate(to, message);
    store.addPeer(session, to);
    store.recordSent(sent);
    return c.json({ message: sent }, 201);
  });

  routes.get("/events", auth, (c) => {
    const session = c.get("session");
    const releaseSession = store.openStream(session);
    if (releaseSession === null) {
      return busyResponse(SESSION_STREAMS_FULL_MESSAGE);
    }
    const lastEventId = Number(c.req.header("last-event-id") ?? "NaN");
    const from = Number.isSafeInteger(lastEventId) && lastEventId >= 0
      ? lastEventId
      : session.ring.lastSeq;
    return sseResponse(
      (signal) => sessionEvents(session, from, signal),
      {
        heartbeatMs: options.heartbeatMs,
        retryMs: 2000,
        onError: options.log,
        shutdown: options.shutdown,
        slots: options.streams,
        // While open, the session is in use: never evicted nor expired.
        onClose: releaseSession,
      },
    );
  });

  return routes;
}

function historyPage(c: Context): { limit: number; before?: string } {
  const limit = valueOf(
    checkLimit(c.req.query("limit"), HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX),
  );
  const before = valueOf(checkBefore(c.req.query("before")));
  return before === undefined ? { limit } : { limit, before };
}

function isBetween(message: PrivateMessage, a: string, b: string): boolean {
  return (message.src === a && message.dst === b) ||
    (message.src === b && message.dst === a);
}

async function* sessionEvents(
  session: BrowserSession,
  fromSeq: number,
  signal: AbortSignal,
): AsyncGenerator<SseEvent> {
  let cursor = fromSeq;
  yield { event: "ready", data: { user: session.user }, id: cursor };
  while (!signal.aborted) {
    const { items, missed } = session.ring.readAfter(cursor);
    if (missed) yield { event: "reset", data: {} };
    for (const item of items) {
      yield { event: item.value.type, data: item.value.message, id: item.seq };
      cursor = item.seq;
    }
    if (session.ring.closed) {
      yield { event: "logout", data: {} };
      return;
    }
    await session.ring.waitAfter(cursor, signal);
  }
}
