"""pyzmq ROUTER that answers every request with the request itself and does
no other work: the transport's ceiling for the chat-core benchmark.

usage: py_router_echo.py BIND_ENDPOINT
Prints its resolved endpoint on the first line, then echoes until stdin
closes.
"""
import sys
import threading

import zmq


def main() -> None:
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.linger = 0
    router.bind(sys.argv[1])
    print(router.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
    try:
        while True:
            router.send_multipart(router.recv_multipart())
    except zmq.ContextTerminated:
        router.close()


if __name__ == "__main__":
    main()
