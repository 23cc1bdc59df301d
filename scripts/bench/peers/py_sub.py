"""pyzmq subscriber for the PUB/SUB and proxy benchmarks.

usage: py_sub.py ENDPOINT COUNT
Subscribes to everything (no high-water mark), receives COUNT messages and
prints one JSON line: messages received, seconds from the first to the last,
and the rate. Gives up after 10 s without a message.
"""
import json
import sys
import time

import zmq


def main() -> None:
    endpoint, count = sys.argv[1], int(sys.argv[2])
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.rcvhwm = 0
    sub.linger = 0
    sub.rcvtimeo = 10000
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(endpoint)
    received = 0
    start = end = 0.0
    try:
        sub.recv()
        start = end = time.perf_counter()
        received = 1
        while received < count:
            sub.recv()
            received += 1
        end = time.perf_counter()
    except zmq.Again:
        pass
    seconds = end - start
    rate = (received - 1) / seconds if seconds > 0 else 0
    print(json.dumps({"messages": received, "seconds": seconds, "perSecond": rate}), flush=True)
    sub.close()
    ctx.term()


if __name__ == "__main__":
    main()
