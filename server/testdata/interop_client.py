"""A course-style Python client (pyzmq + msgpack, no agora code) used by
server/python_interop_test.ts: logs in, lists users and channels, creates a
channel, publishes, sends a private message and receives both publications
through the proxy, comparing topics exactly. Prints one JSON line with what
it saw and exits 0 on success, 1 on failure.

Usage: python3 interop_client.py <server endpoint> <proxy XPUB endpoint>
"""

import json
import sys
import time

import msgpack
import zmq


def main(server, proxy_sub):
    context = zmq.Context()
    req = context.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.setsockopt(zmq.RCVTIMEO, 5000)
    req.connect(server)
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.connect(proxy_sub)
    clock = [0]

    def call(service, **data):
        clock[0] += 1
        data["timestamp"] = time.time()
        data["clock"] = clock[0]
        req.send(msgpack.packb({"service": service, "data": data}))
        reply = msgpack.unpackb(req.recv(), raw=False)
        clock[0] = max(clock[0], reply["data"].get("clock", 0)) + 1
        return reply

    seen = {}
    login = call("login", user="py_ana")
    assert login["data"]["status"] == "sucesso", login
    assert call("login", user="py_bia")["data"]["status"] == "sucesso"
    users = call("users")["data"]["users"]
    assert "py_ana" in users and "py_bia" in users, users
    created = call("channel", channel="py_room")
    assert created["data"]["status"] == "sucesso", created
    channels = call("channels")["data"]["channels"]
    assert "py_room" in channels, channels
    seen["users"] = users
    seen["channels"] = channels

    sub.setsockopt(zmq.SUBSCRIBE, b"py_room")
    sub.setsockopt(zmq.SUBSCRIBE, b"py_bia")
    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)

    def receive(topic, message_id, deadline):
        while time.time() < deadline:
            if not poller.poll(100):
                return None
            frames = sub.recv_multipart()
            if len(frames) != 2 or frames[0] != topic.encode():
                continue  # prefix match of another topic
            payload = msgpack.unpackb(frames[1], raw=False)
            if payload.get("id") == message_id:
                return payload
        return None

    # PUB/SUB "slow joiner": retry until the subscription reached the proxy.
    deadline = time.time() + 10
    channel_payload = None
    while channel_payload is None and time.time() < deadline:
        reply = call("publish", user="py_ana", channel="py_room", message="olá")
        assert reply["data"]["status"] == "OK", reply
        channel_payload = receive("py_room", reply["data"].get("id"), time.time() + 1)
    assert channel_payload is not None, "no channel publication"
    assert channel_payload["user"] == "py_ana" and channel_payload["message"] == "olá"
    seen["channel_publication"] = channel_payload

    reply = call("message", src="py_ana", dst="py_bia", message="oi bia")
    assert reply["data"]["status"] == "OK", reply
    private_payload = receive("py_bia", reply["data"].get("id"), time.time() + 5)
    assert private_payload is not None, "no private publication"
    assert private_payload["src"] == "py_ana" and private_payload["dst"] == "py_bia"
    seen["private_publication"] = private_payload

    # The request_id extension: a post sent twice with one key is one post.
    keyed = [
        call("publish", user="py_ana", channel="py_room", message="uma vez",
             request_id="py-key-1")
        for _ in range(2)
    ]
    assert [r["data"]["status"] for r in keyed] == ["OK", "OK"], keyed
    seen["keyed_ids"] = [r["data"]["id"] for r in keyed]

    bad = call("publish", user="py_ana", channel="nowhere", message="x")
    assert bad["data"]["status"] == "erro" and bad["data"]["message"], bad
    unknown = call("no_such_service")
    assert unknown["service"] == "error" and unknown["data"]["status"] == "erro"

    print(json.dumps(seen, ensure_ascii=False))
    req.close()
    sub.close()
    context.term()


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except Exception as error:  # noqa: BLE001 - report anything to the test
        print(json.dumps({"error": repr(error)}))
        sys.exit(1)
