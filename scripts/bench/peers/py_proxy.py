"""pyzmq XSUB/XPUB proxy (zmq.proxy) for the proxy benchmark.

usage: py_proxy.py
Prints "FRONTEND BACKEND" endpoints on one line, forwards until stdin closes.
"""
import sys
import threading

import zmq


def main() -> None:
    ctx = zmq.Context()
    front = ctx.socket(zmq.XSUB)
    back = ctx.socket(zmq.XPUB)
    for s in (front, back):
        s.sndhwm = 0
        s.rcvhwm = 0
        s.linger = 0
        s.bind("tcp://127.0.0.1:*")
    print(front.getsockopt_string(zmq.LAST_ENDPOINT), back.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
    try:
        zmq.proxy(front, back)
    except zmq.ContextTerminated:
        front.close()
        back.close()


if __name__ == "__main__":
    main()
