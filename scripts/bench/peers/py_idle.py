"""pyzmq process with the same sockets as deno_idle.ts (REP bound, SUB and
DEALER connected, receives pending) doing nothing, for the idle CPU
reference. Prints "ready"; exits when stdin closes."""
import sys
import threading

import zmq

ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.linger = 0
rep.bind("tcp://127.0.0.1:*")
sub = ctx.socket(zmq.SUB)
sub.linger = 0
sub.setsockopt(zmq.SUBSCRIBE, b"")
sub.connect("tcp://127.0.0.1:9")
dealer = ctx.socket(zmq.DEALER)
dealer.linger = 0
dealer.connect(rep.getsockopt_string(zmq.LAST_ENDPOINT))
poller = zmq.Poller()
for s in (rep, sub, dealer):
    poller.register(s, zmq.POLLIN)
print("ready", flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), ctx.term()), daemon=True).start()
try:
    poller.poll()
except zmq.ContextTerminated:
    pass
for s in (rep, sub, dealer):
    s.close()
