"""pyzmq echo server for the REQ/REP benchmark (REP) and for the chat-core
benchmark's ceiling (ROUTER: answers every request with itself and does no
other work).

usage: py_rep.py BIND_ENDPOINT [router]
Prints its resolved endpoint on the first line, then echoes until stdin
closes.
"""
import sys
import threading

import zmq


def main() -> None:
    router = sys.argv[2:3] == ["router"]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.ROUTER if router else zmq.REP)
    sock.linger = 0
    sock.bind(sys.argv[1])
    print(sock.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
    try:
        if router:
            while True:
                sock.send_multipart(sock.recv_multipart())
        else:
            while True:
                sock.send(sock.recv())
    except zmq.ContextTerminated:
        sock.close()


if __name__ == "__main__":
    main()
