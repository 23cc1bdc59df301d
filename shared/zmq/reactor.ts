/**
 * The process-wide reactor that makes socket waits asynchronous.
 *
 * Every `zmq_*` call happens on the main thread with `ZMQ_DONTWAIT`. An
 * operation is tried first; only when libzmq says EAGAIN does the socket
 * queue a waiter and ask to be watched. The reactor then waits on the
 * `ZMQ_FD` of every watched socket plus a wake descriptor:
 *
 * - usually with one nonblocking FFI call to `poll(-1)`, which parks on
 *   Deno's thread pool and costs one thread hop (~35–130 µs) when it returns;
 * - while traffic is brisk (the previous wait ended within
 *   {@linkcode syncWaitBudgetUs}), first with a synchronous wait on the main
 *   thread bounded by that budget: the thread sleeps in the kernel (no CPU)
 *   and the answer needs no hop. On Linux that wait is an untimed `poll`
 *   that also watches a periodic timerfd ({@linkcode Ticker}), because a
 *   per-call `ppoll` timeout cost as much CPU as the rest of a round trip on
 *   this VM. A miss backs off exponentially, so an idle process only ever
 *   sits in the parked poll, with the ticker stopped: zero CPU.
 *
 * `ZMQ_FD` is edge-triggered: after a wake, the signalled sockets try
 * their queued operations and leave the fd armed (see `SocketCore.serve`),
 * and a socket that did an operation while it had waiters in the other
 * direction is "dirty" and is served again before the reactor sleeps.
 *
 * Synchronous progress is budgeted: after {@linkcode BATCH_OPS} operations,
 * or {@linkcode BATCH_MS} after the first one, without a macrotask boundary,
 * operations are deferred to the next `setImmediate`, so a flooded socket
 * cannot starve timers or other sockets. The time bound matters when the
 * application does a lot of work per message: a server storing a 2000-record
 * catch-up page per reply did a handful of operations a second, each reply
 * already there when asked for, and ran for seconds on microtasks alone,
 * never reaching a timer or the poll that would have seen its clients. A busy
 * tick (one that served something and will run again) also tries every
 * watched socket, since the poll that looks at their fds is not reached.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { readEnv } from "./env.ts";
import {
  POLL_IN,
  pollAsync,
  POLLFD_BYTES,
  pollForever,
  pollSync,
  Ticker,
  Waker,
} from "./libc.ts";

/** Operations allowed between two macrotask boundaries. */
export const BATCH_OPS = 256;

/**
 * Milliseconds of receives allowed between two macrotask boundaries, from
 * the first: the web's "long task" threshold. Timers and quiet sockets wait
 * at most about this long behind a busy one (plus the application's own
 * work per message); measured on catch-up, 10 ms cost 15 % of the rate for
 * no visible gain in responsiveness.
 */
export const BATCH_MS = 50;

/** What the reactor needs from a socket. */
export interface Watchable {
  /** The socket's `ZMQ_FD`. */
  readonly fd: number;
  /** Whether receive or send waiters are queued. */
  hasWaiters(): boolean;
  /** Reads `ZMQ_EVENTS` and serves waiters (within the budget). */
  serve(): void;
}

function envNumber(name: string, fallback: number): number {
  const raw = readEnv(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Longest synchronous wait, in µs, while traffic is brisk (0 = off). With a
 * loaded 2-core machine, 500 µs missed ~4% of REQ/REP waits and 2000 µs
 * ~0.5%; each miss holds the event loop for up to the budget plus one tick.
 *
 * Off unless `AGORA_ZMQ_SYNC_WAIT_US` or the application
 * ({@linkcode setSyncWaitUs}) turns it on: a miss holds every timer, HTTP
 * request and other I/O of the process for up to ~4 ms, a cost a library
 * should not impose unasked. A process that mostly answers ZeroMQ requests
 * gains from it: the chat server turns it on (a lone request's p50 went
 * from 1.04 to 0.49 ms, see docs/benchmarks.md).
 */
let syncWaitUs = envNumber("AGORA_ZMQ_SYNC_WAIT_US", 0);

/** The process's synchronous-wait budget in µs (0: off). */
export function syncWaitBudgetUs(): number {
  return syncWaitUs;
}

/**
 * Sets the process's synchronous-wait budget in µs (0 turns the waits off).
 * For processes whose event loop serves mostly ZeroMQ traffic; see
 * {@linkcode syncWaitBudgetUs} and the README's "How the reactor works".
 *
 * @throws RangeError for a negative or non-finite budget.
 */
export function setSyncWaitUs(us: number): void {
  if (!Number.isFinite(us) || us < 0) {
    throw new RangeError(
      `The synchronous-wait budget must be a finite number of µs ≥ 0, got ${us}`,
    );
  }
  syncWaitUs = us;
}

/**
 * Period (µs) of the ticker that bounds synchronous waits: a wait ends on
 * the first tick after the budget ({@linkcode syncWaitBudgetUs}), so within budget + period.
 * Each tick that lands inside a wait costs a wake-up, hence not shorter.
 */
const TICK_US = 2000;
/** ms without a synchronous wait after which the ticker is stopped. */
const TICKER_IDLE_MS = 50;

/** Counters for tests and benchmarks. */
export interface ReactorStats {
  /** Parked (thread-pool) polls issued. */
  parkedPolls: number;
  /** Synchronous waits that saw a socket become ready. */
  syncHits: number;
  /** Synchronous waits that timed out. */
  syncMisses: number;
  /** pollfd arrays built for synchronous waits (reused while the watched sockets stay the same). */
  syncPollSets: number;
  /** Wake-ups written to end a parked poll. */
  wakes: number;
  /** Macrotask yields forced by the operation budget. */
  budgetYields: number;
}

class Reactor {
  readonly stats: ReactorStats = {
    parkedPolls: 0,
    syncHits: 0,
    syncMisses: 0,
    syncPollSets: 0,
    wakes: 0,
    budgetYields: 0,
  };
  #waker: Waker | null = null;
  readonly #watched = new Set<Watchable>();
  /**
   * The pollfd array of the last synchronous wait, reused while the watched
   * sockets are the same ones. A socket leaves the watch set whenever it has
   * no waiters (a REP after each request) and comes back on its next EAGAIN,
   * so a version bumped on every change rebuilt the array on every round trip.
   */
  #syncPollSet: {
    fds: Uint8Array;
    view: DataView;
    sockets: Watchable[];
  } | null = null;
  readonly #dirty = new Set<Watchable>();
  readonly #deferred = new Set<Watchable>();
  /** Sockets whose fds the parked poll is waiting on, or null when no poll is parked. */
  #parked: Set<Watchable> | null = null;
  #pumpQueued = false;
  #tickQueued = false;
  #opsLeft = BATCH_OPS;
  /** When the first operation of this budget was taken; -1 before it. */
  #budgetStartMs = -1;
  /** Parked polls to issue before trying a synchronous wait again (grows after misses). */
  #skipSyncWaits = 1;
  #missStreak = 0;
  /** Bounds synchronous waits on Linux; null where unavailable, undefined until first needed. */
  #ticker: Ticker | null | undefined = undefined;
  #lastSyncWaitMs = 0;
  #tickerCheck: ReturnType<typeof setTimeout> | undefined = undefined;

  /**
   * Takes one operation from the budget; false means "defer to the next
   * macrotask". `receiving`: whether the time bound applies (receives).
   */
  take(receiving = true): boolean {
    if (this.#opsLeft <= 0) return false;
    // Only receives are held to the time bound: a receive feeds the
    // application more work, while deferring a send (a request the peer
    // could be working on meanwhile) would only delay it.
    if (receiving) {
      // Date.now(): ~65 ns against ~150 ns for performance.now() (an op),
      // on every receive; 1 ms steps are plenty for a 50 ms bound, and a
      // wall-clock jump only ends one budget early or leaves it to BATCH_OPS.
      const nowMs = Date.now();
      if (this.#budgetStartMs < 0) this.#budgetStartMs = nowMs;
      else if (nowMs - this.#budgetStartMs > BATCH_MS) {
        this.#opsLeft = 0;
        return false;
      }
    }
    this.#opsLeft--;
    return true;
  }

  /** A macrotask boundary was crossed: the budget starts again. */
  #refill(): void {
    this.#opsLeft = BATCH_OPS;
    this.#budgetStartMs = -1;
  }

  /** The socket queued a waiter after EAGAIN: watch its fd. */
  watch(socket: Watchable): void {
    if (this.#watched.has(socket)) return;
    this.#watched.add(socket);
    this.#queuePump();
  }

  /** The socket operated while it had waiters in the other direction: re-read its events before sleeping. */
  markDirty(socket: Watchable): void {
    this.#dirty.add(socket);
    this.#queuePump();
  }

  /** Serve the socket after a macrotask boundary (its budget ran out, or it queued behind others). */
  defer(socket: Watchable): void {
    if (this.#opsLeft === 0) this.stats.budgetYields++;
    this.#deferred.add(socket);
    this.#queueTick();
  }

  /** A waiter went away (timeout): re-evaluate what to wait for. */
  recheck(): void {
    this.#queuePump();
  }

  /** The socket closed: stop watching it (and end a parked poll nobody needs). */
  forget(socket: Watchable): void {
    this.#watched.delete(socket);
    this.#dirty.delete(socket);
    this.#deferred.delete(socket);
    this.#queuePump();
  }

  #queuePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => this.#pump());
  }

  #queueTick(): void {
    if (this.#tickQueued) return;
    this.#tickQueued = true;
    setImmediate(() => this.#tick());
  }

  /**
   * Serves dirty sockets, then decides whether the parked poll still fits
   * and whether to wait. Never waits here: this runs as a microtask, and
   * continuations the application queues after it (an `await` chain from a
   * receive to its reply) would be held for the whole wait. Waiting is left
   * to a macrotask, when the microtask queue is empty.
   */
  #pump(): void {
    this.#pumpQueued = false;
    this.#serveAll(this.#dirty);
    if (this.#settle()) this.#queueTick();
  }

  /**
   * Macrotask: refill the budget, serve deferred sockets, then wait if
   * anything is watched. Waiting is left to a later tick when this one
   * resolved promises, so their continuations run before the thread sleeps.
   */
  #tick(): void {
    this.#tickQueued = false;
    this.#refill();
    const servedDeferred = this.#serveAll(this.#deferred);
    const servedDirty = this.#serveAll(this.#dirty);
    if (!this.#settle()) return;
    if (servedDeferred || servedDirty || this.#deferred.size > 0) {
      // The poll is not reached while this goes on: try the quiet sockets
      // (operations are level-triggered), or their messages would wait.
      this.#serveAll(new Set(this.#watched));
      this.#queueTick();
    } else this.#wait();
  }

  /**
   * Drops sockets without waiters from the watch set and keeps a parked poll
   * honest (it must cover every watched socket and must not keep the process
   * alive when nothing is watched). Returns whether a new wait is needed.
   */
  #settle(): boolean {
    for (const socket of this.#watched) {
      if (!socket.hasWaiters()) this.#watched.delete(socket);
    }
    const parked = this.#parked;
    if (!parked) return this.#watched.size > 0;
    let stale = this.#watched.size === 0;
    for (const socket of this.#watched) {
      if (!parked.has(socket)) {
        stale = true;
        break;
      }
    }
    if (stale) this.#wake();
    return false;
  }

  /** Serves and empties a set; returns whether it had members. */
  #serveAll(set: Set<Watchable>): boolean {
    if (set.size === 0) return false;
    const sockets = [...set];
    set.clear();
    for (const socket of sockets) socket.serve();
    return true;
  }

  #wake(): void {
    if (!this.#waker) return;
    this.stats.wakes++;
    this.#waker.wake();
  }

  /** A pollfd array: the waker, the watched sockets, then `extraFd` if given. */
  #pollSet(
    extraFd?: number,
  ): { fds: Uint8Array; view: DataView; sockets: Watchable[] } {
    this.#waker ??= new Waker();
    const sockets = [...this.#watched];
    const all = [this.#waker.fd, ...sockets.map((socket) => socket.fd)];
    if (extraFd !== undefined) all.push(extraFd);
    const fds = new Uint8Array(all.length * POLLFD_BYTES);
    const view = new DataView(fds.buffer);
    for (let i = 0; i < all.length; i++) {
      view.setInt32(i * POLLFD_BYTES, all[i], true);
      view.setInt16(i * POLLFD_BYTES + 4, POLL_IN, true);
    }
    return { fds, view, sockets };
  }

  /**
   * Blocks the main thread for about the budget ({@linkcode syncWaitBudgetUs}) at most, waiting
   * for a watched socket. Returns true if one became ready (and was served);
   * on a miss, backs off exponentially (up to 64 parked waits between
   * attempts), because a miss held the event loop (though without CPU).
   *
   * On Linux the wait is an untimed `poll` that also watches a ticking
   * timerfd (see {@linkcode Ticker}): it ends on the first tick after the
   * budget, so it lasts at most budget + one period. Elsewhere it is a timed
   * `ppoll`/`poll`.
   */
  #waitSync(): boolean {
    if (this.#ticker === undefined) this.#ticker = Ticker.create();
    const ticker = this.#ticker;
    let hit = false;
    if (ticker) {
      // Reused while the watch set is unchanged: a fresh ArrayBuffer costs
      // ~0.6 µs in Deno, and this runs once per round trip.
      let set = this.#syncPollSet;
      if (!set || !sameMembers(set.sockets, this.#watched)) {
        set = this.#pollSet(ticker.fd);
        this.#syncPollSet = set;
        this.stats.syncPollSets++;
      }
      const { fds, view, sockets } = set;
      const tickerRevents = (sockets.length + 1) * POLLFD_BYTES + 6;
      ticker.arm(TICK_US);
      this.#lastSyncWaitMs = performance.now();
      this.#scheduleTickerCheck();
      const startMs = this.#lastSyncWaitMs;
      for (;;) {
        let ready = pollForever(fds, sockets.length + 2);
        if (ready < 0) break; // EINTR: let the event loop look at it
        if (view.getInt16(tickerRevents, true) !== 0) {
          ticker.drain();
          ready--;
        }
        if (ready > 0) {
          this.#dispatch(view, sockets);
          hit = true;
          break;
        }
        if ((performance.now() - startMs) * 1000 >= syncWaitUs) break;
      }
    } else {
      const { fds, view, sockets } = this.#pollSet();
      if (pollSync(fds, sockets.length + 1, syncWaitUs) > 0) {
        this.#dispatch(view, sockets);
        hit = true;
      }
    }
    if (hit) {
      this.stats.syncHits++;
      this.#missStreak = 0;
      return true;
    }
    this.stats.syncMisses++;
    this.#missStreak = Math.min(this.#missStreak + 1, 6);
    this.#skipSyncWaits = 2 ** this.#missStreak;
    ticker?.disarm();
    return false;
  }

  /** Disarms the ticker once synchronous waits have stopped, so an idle process gets no timer interrupts. */
  #scheduleTickerCheck(): void {
    if (this.#tickerCheck !== undefined) return;
    this.#tickerCheck = setTimeout(() => {
      this.#tickerCheck = undefined;
      if (!this.#ticker?.armed) return;
      if (performance.now() - this.#lastSyncWaitMs > TICKER_IDLE_MS) {
        this.#ticker.disarm();
      } else this.#scheduleTickerCheck();
    }, TICKER_IDLE_MS);
    // The check must never keep the process alive by itself.
    unrefTimer(this.#tickerCheck);
  }

  /** Waits on the watched sockets: a short synchronous wait while traffic is brisk, else a parked poll. */
  #wait(): void {
    if (syncWaitUs > 0 && this.#skipSyncWaits === 0 && this.#waitSync()) return;
    if (this.#skipSyncWaits > 0) this.#skipSyncWaits--;
    // Parked means quiet: no timer interrupts meanwhile.
    this.#ticker?.disarm();
    const { fds, view, sockets } = this.#pollSet();
    const count = sockets.length + 1;
    this.stats.parkedPolls++;
    this.#parked = new Set(sockets);
    const parkedAtMs = performance.now();
    pollAsync(fds, count).then(() => {
      this.#parked = null;
      // An async op's completion runs from the event loop: a boundary.
      this.#refill();
      // A socket (not our own wake) answered quickly: traffic is brisk again.
      const signalled = this.#dispatch(view, sockets);
      if (signalled && (performance.now() - parkedAtMs) * 1000 < syncWaitUs) {
        this.#skipSyncWaits = 0;
      }
    });
  }

  /** Serves the sockets whose fds poll reported; returns whether any socket (not the waker) was signalled. */
  #dispatch(view: DataView, sockets: Watchable[]): boolean {
    if (view.getInt16(6, true) !== 0) this.#waker?.drain();
    let signalled = false;
    for (let i = 0; i < sockets.length; i++) {
      if (view.getInt16((i + 1) * POLLFD_BYTES + 6, true) === 0) continue;
      signalled = true;
      // A socket closed meanwhile is no longer watched; its fd may be gone.
      if (this.#watched.has(sockets[i])) sockets[i].serve();
    }
    this.#queuePump();
    return signalled;
  }
}

/** Whether `list` holds exactly the members of `set` (a list has no repeats). */
function sameMembers<T>(list: readonly T[], set: ReadonlySet<T>): boolean {
  if (list.length !== set.size) return false;
  for (const item of list) if (!set.has(item)) return false;
  return true;
}

/** The process-wide reactor. */
export const reactor: Reactor = new Reactor();

/** Lets a timer fire without keeping the process alive (Deno ids and Node-style Timeout objects). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === "number") Deno.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
}

/** A snapshot of the reactor's counters (for tests and benchmarks). */
export function reactorStats(): ReactorStats {
  return { ...reactor.stats };
}
