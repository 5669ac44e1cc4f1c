#!/usr/bin/env python3
"""The seed's way of sending a chat message, measured on this machine.

The Python sketch this project grew from delivered each message over a fresh ZeroMQ
REQ socket: connect to the recipient's REP endpoint, send, wait for the reply, close.
This script does exactly that over tcp loopback, one thread sending and one answering,
and prints messages a second, so `confchat bench` has a baseline measured on the same
machine (docs/performance.md).

    pip install pyzmq
    python3 scripts/seed-baseline.py                 # 3 runs of 3,000 messages
    python3 scripts/seed-baseline.py --messages 1000 --runs 1 --json
"""
import argparse
import json
import statistics
import sys
import threading
import time

try:
    import zmq
except ImportError:
    sys.exit("seed-baseline: needs pyzmq (pip install pyzmq)")


def serve(context, endpoint_ready, count, body_size):
    """The recipient: a REP socket that stores nothing and answers every message."""
    rep = context.socket(zmq.REP)
    rep.setsockopt(zmq.LINGER, 0)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    endpoint_ready.append(f"tcp://127.0.0.1:{port}")
    for _ in range(count):
        message = rep.recv()
        assert len(message) == body_size
        rep.send(b"ok")
    rep.close()


def run_once(messages, body_size, timeout_ms):
    context = zmq.Context()
    endpoint = []
    server = threading.Thread(target=serve, args=(context, endpoint, messages, body_size), daemon=True)
    server.start()
    while not endpoint:
        time.sleep(0.001)
    body = b"x" * body_size
    start = time.perf_counter()
    for _ in range(messages):
        req = context.socket(zmq.REQ)  # a new connection for every message, as the seed did
        req.setsockopt(zmq.LINGER, 0)
        req.setsockopt(zmq.RCVTIMEO, timeout_ms)
        req.connect(endpoint[0])
        req.send(body)
        req.recv()
        req.close()
    seconds = time.perf_counter() - start
    server.join(timeout=5)
    context.term()
    return messages / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages a run (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported (default 3)")
    parser.add_argument("--body-size", type=int, default=48, help="bytes a message (default 48, as a bench CHAT frame)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rates = [run_once(args.messages, args.body_size, 5000) for _ in range(args.runs)]
    median = statistics.median(rates)
    if args.json:
        print(json.dumps({"messages_per_second": round(median, 1), "runs": [round(r, 1) for r in rates],
                          "messages": args.messages, "pyzmq": zmq.__version__, "libzmq": zmq.zmq_version()}))
    else:
        print(f"seed's way (pyzmq {zmq.__version__}, libzmq {zmq.zmq_version()}, REQ/REP, a connection a message):")
        print(f"  {median:,.0f} msg/s (median of {args.runs}: {', '.join(f'{r:,.0f}' for r in rates)})")


if __name__ == "__main__":
    main()
