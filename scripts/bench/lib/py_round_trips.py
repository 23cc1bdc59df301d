"""Lone round trips from a pyzmq REQ client, a neutral reference client for
scripts/bench/core.ts: `python3 py_round_trips.py <endpoint> <user> <channel>
<count> <message_bytes>` prints one JSON object {"read": [ms...],
"publish": [ms...]} (`channels` then `publish`, one request at a time)."""

import json
import sys
import time

import msgpack
import zmq


def main() -> None:
    endpoint, user, channel, count, size = sys.argv[1:6]
    count, size = int(count), int(size)
    context = zmq.Context()
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVTIMEO, 10_000)
    socket.connect(endpoint)
    clock = 0

    def call(service: str, data: dict) -> float:
        nonlocal clock
        clock += 1
        body = dict(data, timestamp=time.time(), clock=clock)
        start = time.perf_counter()
        socket.send(msgpack.packb({"service": service, "data": body}))
        reply = msgpack.unpackb(socket.recv())
        elapsed_ms = (time.perf_counter() - start) * 1000
        clock = max(clock, int(reply.get("data", {}).get("clock", 0))) + 1
        return elapsed_ms

    text = "x" * size
    result = {
        "read": [call("channels", {}) for _ in range(count)],
        "publish": [
            call("publish", {"user": user, "channel": channel, "message": text})
            for _ in range(count)
        ],
    }
    socket.close()
    context.term()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
