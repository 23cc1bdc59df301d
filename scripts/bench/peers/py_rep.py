"""pyzmq REP echo server for the REQ/REP benchmark.

usage: py_rep.py BIND_ENDPOINT
Prints its resolved endpoint on the first line, then echoes until stdin
closes.
"""
import sys
import threading

import zmq


def main() -> None:
    ctx = zmq.Context()
    rep = ctx.socket(zmq.REP)
    rep.linger = 0
    rep.bind(sys.argv[1])
    print(rep.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
    try:
        while True:
            rep.send(rep.recv())
    except zmq.ContextTerminated:
        rep.close()


if __name__ == "__main__":
    main()
