/**
 * A small in-process stand-in for an agora cluster, with faults that can be
 * switched on one at a time, so the acceptance checks can be shown to fail
 * for the reason they exist (a check that cannot fail checks nothing).
 *
 * It speaks the real wire protocol over real sockets: a reference (REP), a
 * libzmq proxy (XSUB/XPUB), servers (REP) sharing one in-memory state (or
 * keeping their own, to break replication), and a bot publishing through
 * the proxy. It is no chat server: no persistence, no election, no checks
 * beyond what the suite looks at.
 *
 * @module
 */

import { LamportClock } from "@agora/shared/lamport";
import {
  decodeEnvelope,
  encodeEnvelope,
  encodePublicationFrames,
  type WireMap,
} from "@agora/shared/protocol";
import { type Proxy, Publisher, Reply, startProxy } from "@agora/shared/zmq";
import { freePorts } from "../../runner/port_probe.ts";
import type { AcceptanceEndpoints } from "../types.ts";

/** Faults to inject; none means a healthy cluster. */
export interface FakeFaults {
  /** The reference hands out a new rank on every `rank`. */
  unstableRank?: boolean;
  /** This server is left out of the reference's list. */
  unlisted?: string;
  /** This server is configured but never started (nothing answers). */
  absent?: string;
  /** This server's `users` omits users logged in after the start. */
  forgetsUsers?: string;
  /** Per server, the coordinator its `status` names (default: server_1). */
  coordinators?: Record<string, string | null>;
  /** This server stamps every reply with clock 0. */
  staleClock?: string;
  /** This server keeps a state of its own (no replication). */
  isolated?: string;
  /** The bot's publications carry another channel than their topic. */
  wrongTopic?: boolean;
  /** No bot runs. */
  noBot?: boolean;
  /**
   * The bot published before the suite started, then stopped: its
   * messages are stored, but no new one arrives.
   */
  botStopped?: boolean;
  /** The channel the bot posts in (default `fake_bot_channel`). */
  botChannel?: string;
  /** `status` refuses requests without `auth`. */
  statusNeedsAuth?: boolean;
  /** Who announces itself coordinator on topic `servers` (default server_1). */
  announced?: string;
}

/** A running fake cluster. */
export interface FakeCluster {
  /** Where it is. */
  endpoints: AcceptanceEndpoints & { servers: Record<string, string> };
  /** The bot's user name. */
  bot: string;
  /** Stops everything. */
  close(): Promise<void>;
}

interface Store {
  users: Set<string>;
  channels: Set<string>;
  history: Map<string, WireMap[]>;
  seq: number;
}

const SERVER_NAMES = ["server_1", "server_2", "server_3"];
const BOT = "bot_fake";
const BOT_CHANNEL = "fake_bot_channel";

/** Starts a fake cluster with `faults`. */
export async function startFakeCluster(
  faults: FakeFaults = {},
): Promise<FakeCluster> {
  // Sockets bind to ports of their own choosing (`:*`): a port found free
  // and bound later can be taken in between by a test running alongside.
  // Only the absent server keeps a found-free port, where nothing listens.
  const ports = freePorts(SERVER_NAMES.length);
  const host = "tcp://127.0.0.1";
  const servers: Record<string, string> = Object.fromEntries(
    SERVER_NAMES.map((name, i) => [name, `${host}:${ports[i]}`]),
  );
  const proxy: Proxy = await startProxy({
    frontend: { type: "xsub", bind: `${host}:*` },
    backend: { type: "xpub", bind: `${host}:*` },
  });
  const publisher = new Publisher({ linger: 0 });
  publisher.connect(proxy.frontendEndpoint);
  const shared: Store = _store();
  const loops: Promise<void>[] = [];
  const sockets: Reply[] = [];
  const serve = async (
    endpoint: string,
    handle: (request: { service: string; data: WireMap }) => WireMap & {
      service?: string;
    },
  ): Promise<string> => {
    const socket = new Reply({ linger: 0 });
    await socket.bind(endpoint);
    sockets.push(socket);
    loops.push((async () => {
      try {
        for await (const [frame] of socket) {
          const request = decodeEnvelope(frame);
          const reply = request.ok
            ? handle(request.value)
            : { service: "error", status: "erro", description: "bad frame" };
          const { service, ...data } = reply;
          await socket.send(encodeEnvelope({
            service: service ?? (request.ok ? request.value.service : "error"),
            data,
          }));
        }
      } catch {
        // Closed.
      }
    })());
    return socket.lastEndpoint;
  };

  const ranks = new Map<string, number>();
  let nextRank = 1;
  const refClock = new LamportClock();
  for (const name of SERVER_NAMES) ranks.set(name, nextRank++);
  const reference = await serve(`${host}:*`, ({ service, data }) => {
    refClock.receive(data.clock);
    const stamp = { timestamp: Date.now() / 1000, clock: refClock.tick() };
    switch (service) {
      case "rank":
      case "heartbeat": {
        const user = String(data.user);
        if (!ranks.has(user) || (faults.unstableRank && service === "rank")) {
          ranks.set(user, nextRank++);
        }
        return service === "rank"
          ? { rank: ranks.get(user), ...stamp }
          : { status: "OK", ...stamp };
      }
      case "list":
        return {
          list: [...ranks].filter(([n]) => n !== faults.unlisted).map((
            [name, rank],
          ) => ({
            name,
            rank,
            ...(servers[name] === undefined ? {} : { address: servers[name] }),
          })),
          ...stamp,
        };
      default:
        return {
          service: "error",
          status: "erro",
          description: "unknown",
          ...stamp,
        };
    }
  });

  const knownAtStart = new Set<string>();
  for (const name of SERVER_NAMES) {
    if (name === faults.absent) continue;
    const store = name === faults.isolated ? _store() : shared;
    const clock = new LamportClock();
    servers[name] = await serve(`${host}:*`, ({ service, data }) => {
      clock.receive(data.clock);
      const at = clock.value;
      const stamp = () => ({
        timestamp: Date.now() / 1000,
        clock: name === faults.staleClock ? 0 : clock.tick(),
      });
      const fail = (description: string) => ({
        status: "erro",
        description,
        message: description,
        ...stamp(),
      });
      switch (service) {
        case "login": {
          const user = data.user;
          if (typeof user !== "string" || user === "") return fail("name");
          store.users.add(user);
          return { status: "sucesso", ...stamp() };
        }
        case "users":
          return {
            users: [...store.users].filter((u) =>
              name !== faults.forgetsUsers || knownAtStart.has(u)
            ),
            ...stamp(),
          };
        case "channel": {
          const channel = String(data.channel);
          if (store.channels.has(channel)) return fail("exists");
          store.channels.add(channel);
          return { status: "sucesso", ...stamp() };
        }
        case "channels":
          return { channels: [...store.channels], ...stamp() };
        case "publish": {
          const channel = String(data.channel);
          if (!store.channels.has(channel)) return fail("no such channel");
          const message = {
            id: `${name}:${++store.seq}`,
            user: String(data.user),
            channel,
            message: String(data.message),
            timestamp: Date.now() / 1000,
            clock: at,
            server: name,
          };
          _append(store, channel, message);
          clock.tick();
          publisher.send(encodePublicationFrames(channel, message))
            .catch(() => {});
          return { status: "OK", id: message.id, ...stamp() };
        }
        case "message":
          return store.users.has(String(data.dst))
            ? { status: "OK", ...stamp() }
            : fail("no such user");
        case "history":
          return {
            status: "sucesso",
            messages: store.history.get(String(data.channel)) ?? [],
            ...stamp(),
          };
        case "status":
          if (faults.statusNeedsAuth && typeof data.auth !== "string") {
            return { service: "error", ...fail("needs auth") };
          }
          return {
            name,
            rank: ranks.get(name),
            coordinator: faults.coordinators?.[name] ?? "server_1",
            offset: 0,
            counts: {},
            vector: {},
            ...stamp(),
          };
        default:
          return { service: "error", ...fail("unknown service") };
      }
    });
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  if (!faults.noBot) {
    const botChannel = faults.botChannel ?? BOT_CHANNEL;
    shared.users.add(BOT);
    shared.channels.add(botChannel);
    let n = 0;
    const beep = (): WireMap => {
      const message = {
        id: `server_1:${++shared.seq}`,
        user: BOT,
        channel: faults.wrongTopic ? `${botChannel}_other` : botChannel,
        message: `beep ${++n}`,
        timestamp: Date.now() / 1000,
        clock: n,
        server: "server_1",
      };
      _append(shared, botChannel, message);
      return message;
    };
    if (faults.botStopped) {
      for (let i = 0; i < 3; i++) beep();
    } else {
      timer = setInterval(() => {
        publisher.send(encodePublicationFrames(botChannel, beep()))
          .catch(() => {});
      }, 50);
    }
  }
  for (const user of shared.users) knownAtStart.add(user);
  const announcer = setInterval(() => {
    publisher.send(encodePublicationFrames("servers", {
      service: "election",
      data: {
        coordinator: faults.announced ?? "server_1",
        timestamp: Date.now() / 1000,
        clock: 1,
      },
    })).catch(() => {});
  }, 100);

  return {
    endpoints: { reference, proxySub: proxy.backendEndpoint, servers },
    bot: BOT,
    async close() {
      clearInterval(timer);
      clearInterval(announcer);
      for (const socket of sockets) socket.close();
      await Promise.all(loops);
      publisher.close();
      await proxy.stop();
    },
  };
}

function _store(): Store {
  return { users: new Set(), channels: new Set(), history: new Map(), seq: 0 };
}

function _append(store: Store, channel: string, message: WireMap): void {
  const list = store.history.get(channel) ?? [];
  list.push(message);
  store.history.set(channel, list);
}
