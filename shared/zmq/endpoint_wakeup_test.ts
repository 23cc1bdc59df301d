import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Dealer } from "./mod.ts";
import { texts, within } from "./_testing.ts";

// zmq_bind / zmq_connect / zmq_unbind / zmq_disconnect run libzmq's
// process_commands(), which reads the socket's mailbox and resets ZMQ_FD.
// If a receive is waiting, the edge that announced the message is consumed:
// the socket must be served again (`SocketCore.commandsProcessed`), or the
// reactor parks on an fd that never signals again.
for (
  const [what, act] of [
    [
      "bind",
      (d: Dealer, n: number) => d.bind(`inproc://review-edge-extra-${n}`),
    ],
    [
      "connect",
      (d: Dealer, n: number) => d.connect(`inproc://review-edge-nobody-${n}`),
    ],
  ] as const
) {
  Deno.test(`a receive still resolves after ${what} on the same socket`, async () => {
    const n = Math.floor(Math.random() * 1e9);
    const a = new Dealer();
    await a.bind(`inproc://review-edge-${n}`);
    const b = new Dealer({ receiveTimeout: 2000 });
    b.connect(`inproc://review-edge-${n}`);
    try {
      // Make sure the pipe is up: one round trip.
      await a.send("warmup");
      assertEquals(texts(await within(b.receive(), 2000, "warm-up")), [
        "warmup",
      ]);

      const pending = b.receive(); // EAGAIN: waiter queued, fd watched
      await a.send("hello"); // b's mailbox gets activate_read -> ZMQ_FD readable
      await act(b, n); // processes b's commands: edge consumed
      assertEquals(texts(await pending), ["hello"]);
    } finally {
      b.close();
      a.close();
    }
  });
}

Deno.test("a receive still resolves after disconnect on the same socket, however many messages follow", async () => {
  const n = Math.floor(Math.random() * 1e9);
  const a = new Dealer();
  await a.bind(`inproc://review-edge2-${n}`);
  const b = new Dealer({ receiveTimeout: 2000 });
  b.connect(`inproc://review-edge2-${n}`);
  const extra = new Dealer();
  await extra.bind(`inproc://review-edge2-extra-${n}`);
  try {
    await a.send("warmup");
    await within(b.receive(), 2000, "warm-up");
    b.connect(`inproc://review-edge2-extra-${n}`);
    const pending = b.receive();
    await a.send("hello");
    b.disconnect(`inproc://review-edge2-extra-${n}`); // processes b's commands
    // The pipe is now active, so libzmq sends no new activate_read: more
    // messages pile up unseen. (Timer-paced only to let the reactor run.)
    for (let i = 0; i < 20; i++) {
      await a.send(`more ${i}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(texts(await pending), ["hello"]);
  } finally {
    extra.close();
    b.close();
    a.close();
  }
});
