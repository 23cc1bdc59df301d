"""Closed-loop load from pyzmq REQ sockets in one process (one request
outstanding per socket, all driven by one zmq.Poller), for the chat-core
benchmark's ceiling measurement.

usage: py_closed_loop.py ENDPOINT CLIENTS WARMUP_S SECONDS MODE [USER CHANNEL BYTES]
MODE "publish" sends real `publish` requests (MessagePack envelope with a
Lamport clock, per the protocol) and counts replies whose status is "OK";
MODE "echo" sends one fixed frame of the same size and counts any reply.
Prints one JSON line: {"completed", "failed", "seconds", "perSecond"}.
"""
import json
import sys
import time

import msgpack
import zmq


def main() -> None:
    endpoint, clients, warmup, seconds, mode = sys.argv[1:6]
    clients, warmup, seconds = int(clients), float(warmup), float(seconds)
    user, channel, size = (sys.argv[6:9] + ["bench", "bench", "100"])[:3]
    text = "x" * int(size)
    ctx = zmq.Context()
    poller = zmq.Poller()
    sockets = []
    for _ in range(clients):
        req = ctx.socket(zmq.REQ)
        req.linger = 0
        req.connect(endpoint)
        poller.register(req, zmq.POLLIN)
        sockets.append(req)
    clock = 0

    def request() -> bytes:
        nonlocal clock
        clock += 1
        return msgpack.packb({
            "service": "publish",
            "data": {"user": user, "channel": channel, "message": text,
                     "timestamp": time.time(), "clock": clock},
        })

    fixed = request()
    make = request if mode == "publish" else (lambda: fixed)
    for req in sockets:
        req.send(make())
    completed = failed = 0
    started = time.perf_counter()
    measuring_from = started + warmup
    end = measuring_from + seconds
    measuring = False
    while True:
        now = time.perf_counter()
        if not measuring and now >= measuring_from:
            measuring, completed, failed = True, 0, 0
        if now >= end:
            break
        for req, _ in poller.poll(1000):
            reply = req.recv()
            if mode == "publish":
                data = msgpack.unpackb(reply).get("data", {})
                clock = max(clock, int(data.get("clock", 0)))
                if data.get("status") == "OK":
                    completed += 1
                else:
                    failed += 1
            else:
                completed += 1
            req.send(make())
    elapsed = time.perf_counter() - measuring_from
    print(json.dumps({"completed": completed, "failed": failed,
                      "seconds": elapsed, "perSecond": completed / elapsed}), flush=True)
    for req in sockets:
        req.close()
    ctx.term()


if __name__ == "__main__":
    main()
