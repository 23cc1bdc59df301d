import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  Publisher,
  Reply,
  Request,
  startProxy,
  Subscriber,
  XPublisher,
} from "./mod.ts";
import { skipUnless } from "../testing/prerequisite.ts";
import { hasPyzmq, PyPeer, texts, within } from "./_testing.ts";

const ignore = skipUnless(
  hasPyzmq,
  "pyzmq",
  "apt-get install python3-zmq python3-msgpack",
);

Deno.test({
  name: "pyzmq REQ ↔ Deno REP, multipart with empty frames",
  ignore,
  async fn() {
    const rep = new Reply();
    await rep.bind("tcp://127.0.0.1:*");
    const serving = (async () => {
      for await (const frames of rep) await rep.send(frames);
    })();
    const { peer } = await PyPeer.start("req", rep.lastEndpoint, "200");
    try {
      assertEquals(await peer.json(), { ok: 200 });
    } finally {
      await peer.stop();
      rep.close();
      await serving;
    }
  },
});

Deno.test({
  name: "Deno REQ ↔ pyzmq REP, multipart with empty frames",
  ignore,
  async fn() {
    const { peer, endpoint } = await PyPeer.start("rep", "tcp://127.0.0.1:*");
    const req = new Request({ receiveTimeout: 5000 });
    req.connect(endpoint);
    try {
      for (let i = 0; i < 50; i++) {
        const frames = ["", `n${i}`, "", "end"];
        await req.send(frames);
        assertEquals(texts(await req.receive()), frames);
      }
    } finally {
      req.close();
      await peer.stop();
    }
  },
});

Deno.test({
  name: "pyzmq PUB → Deno SUB filters topics by prefix",
  ignore,
  async fn() {
    const { peer, endpoint } = await PyPeer.start(
      "pub",
      "tcp://127.0.0.1:*",
      "chat,chatter,news,end",
      "2",
    );
    const sub = new Subscriber({ receiveTimeout: 5000 });
    sub.connect(endpoint);
    sub.subscribe("chat");
    sub.subscribe("end");
    try {
      const got: string[] = [];
      for (;;) {
        const [topic, body] = texts(await sub.receive());
        if (topic === "end") break;
        got.push(`${topic}:${body}`);
      }
      assertEquals(got, [
        "chat:0",
        "chat:1",
        "chat:2",
        "chatter:0",
        "chatter:1",
        "chatter:2",
      ]);
    } finally {
      sub.close();
      await peer.stop();
    }
  },
});

Deno.test({
  name: "Deno PUB → pyzmq SUB filters topics by prefix",
  ignore,
  async fn() {
    const pub = new XPublisher({ receiveTimeout: 5000 });
    await pub.bind("tcp://127.0.0.1:*");
    const { peer } = await PyPeer.start("sub", pub.lastEndpoint, "room", "3");
    try {
      await pub.receive(); // the subscription arrived
      for (const topic of ["hall", "room", "roomy", "x", "room"]) {
        await pub.send([topic, `to ${topic}`]);
      }
      assertEquals(await peer.json(), {
        messages: [["room", "to room"], ["roomy", "to roomy"], [
          "room",
          "to room",
        ]],
      });
    } finally {
      pub.close();
      await peer.stop();
    }
  },
});

Deno.test({
  name: "pyzmq PUB → startProxy (XSUB/XPUB) → Deno SUB delivers everything",
  ignore,
  async fn() {
    // No HWM anywhere: an XPUB drops messages for a slow subscriber at its HWM.
    const proxy = await startProxy({
      frontend: {
        type: "xsub",
        bind: "tcp://127.0.0.1:*",
        receiveHighWaterMark: 0,
        sendHighWaterMark: 0,
      },
      backend: {
        type: "xpub",
        bind: "tcp://127.0.0.1:*",
        receiveHighWaterMark: 0,
        sendHighWaterMark: 0,
      },
    });
    const sub = new Subscriber({
      receiveHighWaterMark: 0,
      receiveTimeout: 5000,
    });
    sub.connect(proxy.backendEndpoint);
    sub.subscribe("t");
    const total = 2000;
    const { peer } = await PyPeer.start(
      "pubcount",
      proxy.frontendEndpoint,
      String(total),
    );
    try {
      let received = 0;
      for await (const [, body] of sub) {
        assertEquals(new TextDecoder().decode(body), String(received));
        if (++received === total) break;
      }
      assertEquals(await peer.json(), { sent: total });
      // Everything arrived, so the counters are final.
      const stats = await proxy.statistics();
      assertEquals(
        [total, 2 * total].includes(stats.backend.messagesOut),
        true,
      );
      // libzmq 4.3.4 counts messages; 4.3.5 (the npm fallback) counts frames.
      assertEquals(
        [total, 2 * total].includes(stats.frontend.messagesIn),
        true,
      );
    } finally {
      sub.close();
      await peer.stop();
      await within(proxy.stop(), 2000, "the proxy to stop");
    }
  },
});

Deno.test({
  name: "a Publisher's type has no receive, a Subscriber's has no send",
  fn() {
    const pub = new Publisher();
    const sub = new Subscriber();
    try {
      assertEquals([
        "receive" in pub,
        "send" in sub,
        "send" in pub,
        "receive" in sub,
      ], [false, false, true, true]);
    } finally {
      sub.close();
      pub.close();
    }
  },
});
