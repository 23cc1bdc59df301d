"""pyzmq XSUB/XPUB proxy for the proxy benchmark.

usage: py_proxy.py [steerable]
Prints "FRONTEND BACKEND" endpoints on one line, forwards until stdin closes.
With `steerable` it runs zmq.proxy_steerable with an inproc PAIR as its
control socket, the libzmq loop startProxy runs (zmq_proxy_steerable);
without, zmq.proxy (zmq_proxy, no control socket).
"""
import sys
import threading

import zmq


def main() -> None:
    steerable = sys.argv[1:2] == ["steerable"]
    ctx = zmq.Context()
    front = ctx.socket(zmq.XSUB)
    back = ctx.socket(zmq.XPUB)
    for s in (front, back):
        s.sndhwm = 0
        s.rcvhwm = 0
        s.linger = 0
        s.bind("tcp://127.0.0.1:*")
    sockets = [front, back]
    control = None
    if steerable:
        control = ctx.socket(zmq.PAIR)
        control.bind("inproc://control")
        steering = ctx.socket(zmq.PAIR)
        steering.connect("inproc://control")
        sockets += [control, steering]
    print(front.getsockopt_string(zmq.LAST_ENDPOINT), back.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
    try:
        if control is None:
            zmq.proxy(front, back)
        else:
            zmq.proxy_steerable(front, back, None, control)
    except zmq.ContextTerminated:
        for s in sockets:
            s.close(linger=0)


if __name__ == "__main__":
    main()
