"""pyzmq publisher for the PUB/SUB and proxy benchmarks.

usage: py_pub.py bind|connect ENDPOINT COUNT SIZE
An XPUB (so it can see the subscription arrive) with no high-water mark:
prints its endpoint, waits for one subscription, publishes COUNT messages of
SIZE bytes, then waits until stdin closes.
"""
import sys

import zmq


def main() -> None:
    mode, endpoint, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.sndhwm = 0
    pub.linger = 0
    if mode == "bind":
        pub.bind(endpoint)
    else:
        pub.connect(endpoint)
    print(pub.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    pub.rcvtimeo = 30000
    pub.recv()  # the subscription: from now on nothing is dropped
    payload = b"x" * size
    for _ in range(count):
        pub.send(payload)
    sys.stdin.read()
    pub.close()
    ctx.term()


if __name__ == "__main__":
    main()
