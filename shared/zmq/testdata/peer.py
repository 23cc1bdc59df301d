"""pyzmq peer for the binding's interoperability tests.

usage: peer.py MODE ENDPOINT [ARGS...]
Prints "ready <endpoint>" once its socket is set up, then one JSON line per
result. Exits by itself, or when stdin closes, or after 20 s at the latest,
so a failing test can never leave it behind.
"""
import json
import sys
import threading

import zmq

ctx = zmq.Context()


def ready(sock):
    print("ready", sock.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)


def emit(value):
    print(json.dumps(value), flush=True)


def watchdog():
    def stop():
        sys.stdin.read()
        ctx.term()

    threading.Thread(target=stop, daemon=True).start()
    timer = threading.Timer(20, lambda: ctx.term())
    timer.daemon = True
    timer.start()


def rep(endpoint):
    """Echo every multipart request until the context ends."""
    s = ctx.socket(zmq.REP)
    s.linger = 0
    s.bind(endpoint)
    ready(s)
    try:
        while True:
            s.send_multipart(s.recv_multipart())
    except zmq.ContextTerminated:
        s.close()


def req(endpoint, count):
    """Send COUNT requests ["n", "", n] and check each echo; print the count."""
    s = ctx.socket(zmq.REQ)
    s.linger = 0
    s.rcvtimeo = 5000
    s.connect(endpoint)
    ready(s)
    for i in range(int(count)):
        frames = [b"n", b"", str(i).encode()]
        s.send_multipart(frames)
        if s.recv_multipart() != frames:
            emit({"error": f"bad echo at {i}"})
            return
    emit({"ok": int(count)})
    s.close()


def pub(endpoint, topics, subscriptions="1"):
    """XPUB: wait for SUBSCRIPTIONS subscriptions, then publish [topic, i] for i < 3 on each topic, then "end"."""
    s = ctx.socket(zmq.XPUB)
    s.linger = 1000
    s.bind(endpoint)
    ready(s)
    s.rcvtimeo = 10000
    for _ in range(int(subscriptions)):
        s.recv()
    for topic in topics.split(","):
        for i in range(3):
            s.send_multipart([topic.encode(), str(i).encode()])
    s.send_multipart([b"end", b""])
    sys.stdin.read()
    s.close()


def sub(endpoint, topic, count):
    """SUB: subscribe to TOPIC, collect COUNT messages (as text frames) and print them."""
    s = ctx.socket(zmq.SUB)
    s.linger = 0
    s.rcvhwm = 0
    s.rcvtimeo = 10000
    s.setsockopt(zmq.SUBSCRIBE, topic.encode())
    s.connect(endpoint)
    ready(s)
    got = [[f.decode() for f in s.recv_multipart()] for _ in range(int(count))]
    emit({"messages": got})
    s.close()


def pubcount(endpoint, count):
    """XPUB connecting to ENDPOINT (e.g. a proxy frontend): wait for a subscription, publish COUNT messages."""
    s = ctx.socket(zmq.XPUB)
    s.linger = 5000
    s.sndhwm = 0
    s.connect(endpoint)
    ready(s)
    s.rcvtimeo = 10000
    s.recv()
    for i in range(int(count)):
        s.send_multipart([b"t", str(i).encode()])
    emit({"sent": int(count)})
    sys.stdin.read()
    s.close()


def main():
    watchdog()
    mode, args = sys.argv[1], sys.argv[2:]
    {"rep": rep, "req": req, "pub": pub, "sub": sub, "pubcount": pubcount}[mode](*args)


if __name__ == "__main__":
    main()
