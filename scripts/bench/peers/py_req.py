"""REQ client for the REQ/REP benchmark: N round trips of SIZE bytes.

usage: py_req.py ENDPOINT COUNT SIZE [WARMUP]
WARMUP (default 200) round trips go first, untimed: the connection, caches
and, for a JIT-compiled peer, its compiler tiers.
prints one JSON line: {"roundTrips": N, "seconds": S, "perSecond": R}
"""
import json
import sys
import time

import zmq


def main() -> None:
    endpoint, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warm_up = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.linger = 0
    req.rcvtimeo = 10000
    req.connect(endpoint)
    payload = b"x" * size
    for _ in range(warm_up):
        req.send(payload)
        req.recv()
    start = time.perf_counter()
    for _ in range(count):
        req.send(payload)
        req.recv()
    seconds = time.perf_counter() - start
    print(json.dumps({"roundTrips": count, "seconds": seconds, "perSecond": count / seconds}), flush=True)
    req.close()
    ctx.term()


if __name__ == "__main__":
    main()
