/**
 * Port checks against the real network stack: is a port free, and which
 * ports are free right now (for tests and the acceptance suite's own
 * cluster).
 *
 * @module
 */

/** Host every local service binds. */
export const LOCAL_HOST = "127.0.0.1";

/**
 * Whether `port` can be bound on `host` now. Only "address in use" counts as
 * taken; any other failure is rethrown (it is not about this port).
 */
export function portIsFree(port: number, host: string = LOCAL_HOST): boolean {
  let listener: Deno.TcpListener | undefined;
  try {
    listener = Deno.listen({ hostname: host, port, transport: "tcp" });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    throw error;
  } finally {
    listener?.close();
  }
}

/**
 * `count` distinct ports the kernel considers free now. They are released
 * before returning, so another process could take one in between; callers
 * bind them soon after.
 */
export function freePorts(count: number, host: string = LOCAL_HOST): number[] {
  const listeners: Deno.TcpListener[] = [];
  try {
    for (let i = 0; i < count; i++) {
      listeners.push(Deno.listen({ hostname: host, port: 0 }));
    }
    return listeners.map((l) => (l.addr as Deno.NetAddr).port);
  } finally {
    for (const listener of listeners) listener.close();
  }
}
