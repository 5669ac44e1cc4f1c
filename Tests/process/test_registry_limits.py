"""Multi-process tests of what the registry lets the world make it hold (docs/protocol.md 7):
connections, in all and from one address, the size of a frame, and the connections it opens to
the endpoints REGISTER and LOGIN name. A real `confchat registry`
over tcp with CURVE; the clients are plain tcp sockets (no handshake, no account) and pyzmq
clients written from the docs (harness.RawClient).

Run: python3 Tests/process/test_registry_limits.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, socket, sys, time

import zmq
from zmq.utils.monitor import recv_monitor_message

sys.path.insert(0, os.path.dirname(__file__))
from harness import PING, REPLY, Network, RawClient, login_frame, register_frame, reply_of, run_tests


def port_of(net):
    return int(net.registry_endpoint.rsplit(":", 1)[1])


def bare(net, source):
    """A tcp connection to the registry from `source` that never says a word: no greeting,
    no handshake, no key. It holds the registry's libzmq engine until the handshake times out."""
    s = socket.create_connection(("127.0.0.1", port_of(net)), timeout=10, source_address=(source, 0))
    return s


def closed_by_registry(s, timeout=10.0):
    """True once the registry has closed `s` (end of stream or a reset), False if it is still
    open after `timeout` seconds. libzmq sends its greeting first, so some octets may come before."""
    s.settimeout(timeout)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if not s.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


def still_open(s):
    """True if the registry has not closed `s`: nothing to read yet, or only its greeting."""
    s.setblocking(False)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return False
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        s.setblocking(True)


def test_connections_beyond_the_limits_are_closed_and_the_registry_stays_responsive():
    """libzmq accepts every connection; the registry held one for each until its open-file
    limit, an engine and buffers apiece, for anyone who asked, with no account and without a
    handshake. Beyond 20 from one address or 30 in all, it now closes each one it accepts."""
    net = Network()
    held = []
    try:
        reg = net.start_registry(args=["--max-connections", "30", "--max-connections-per-address", "20"])
        first = [bare(net, "127.0.0.1") for _ in range(20)]
        extra = [bare(net, "127.0.0.1") for _ in range(5)]
        held = first + extra
        assert all(closed_by_registry(s) for s in extra), "a 21st connection from one address was kept"
        assert all(still_open(s) for s in first), "the registry closed a connection within the limit"
        assert reg.logged("refused a connection from 127.0.0.1: 20 connections from that address"), reg.err
        # Another address gets the 10 places left of the 30 in all, and no more.
        second = [bare(net, "127.0.0.2") for _ in range(10)]
        over = bare(net, "127.0.0.2")
        held += second + [over]
        assert closed_by_registry(over), "a 31st connection was kept"
        assert all(still_open(s) for s in second)
        # A real client from a third address: refused while all 30 are held ...
        c = RawClient(net, source="127.0.0.3")
        c.send(register_frame(1, "carol", "carol-pw", c.endpoint, c.key))
        # ... and let in once some are closed (its libzmq connects again by itself).
        for s in first:
            s.close()
        f, _ = c.until(REPLY, timeout=20)
        assert f is not None and reply_of(f) == (1, None), f"no answer once connections were free; registry: {reg.err[-5:]}"
        c.close()
        assert reg.alive()
    finally:
        for s in held:
            s.close()
        net.close()


def test_a_frame_larger_than_any_request_closes_its_connection():
    """The registry's inbox took frames up to 16 MiB (a peer's own largest), though nothing a
    peer sends it is over 66,624 octets: a client without an account could make it buffer
    16 MiB a connection. A bigger frame now closes the connection; the registry goes on."""
    net = Network()
    try:
        reg = net.start_registry()
        c = RawClient(net)
        monitor = c.outbox.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED)
        c.send(PING)  # from a key with no account: ignored, but the handshake is done
        events = []
        deadline = time.time() + 10
        while time.time() < deadline and zmq.EVENT_HANDSHAKE_SUCCEEDED not in events:
            if monitor.poll(500):
                events.append(recv_monitor_message(monitor)["event"])
        assert zmq.EVENT_HANDSHAKE_SUCCEEDED in events, events
        c.send(b"\xc7\xa1\x01\x0a" + bytes(200_000))
        deadline = time.time() + 10
        while time.time() < deadline and zmq.EVENT_DISCONNECTED not in events:
            if monitor.poll(500):
                events.append(recv_monitor_message(monitor)["event"])
        assert zmq.EVENT_DISCONNECTED in events, "the registry kept a connection that sent a 200,000-octet frame"
        c.outbox.disable_monitor()
        monitor.close(0)
        c.close()
        # A frame as large as a real request still goes through: a REGISTER with a long password.
        d = RawClient(net)
        d.send(register_frame(1, "dora", "p" * 1024, d.endpoint, d.key))
        f, _ = d.until(REPLY)
        assert f is not None and reply_of(f) == (1, None), f
        d.close()
        assert reg.alive()
    finally:
        net.close()


def test_outbox_connections_to_fresh_keys_stay_within_the_bound():
    """The registry answers a REGISTER or LOGIN over a connection of its own to the key that
    asked, at the endpoint the request names, and kept every such connection open: a client
    with no account could make it hold one per fresh key. With at most 8 kept, 20 fresh keys
    leave it connected to 8 of their inboxes; a peer it dropped is connected to again when
    the registry next answers it."""
    net = Network()
    clients = []
    try:
        reg = net.start_registry(args=["--max-outbox-connections", "8"])
        alice = net.start_peer("alice")
        alice.command("register alice-pass-9xq", r"registered alice")
        for i in range(20):
            c = RawClient(net)
            # The registry's connections to this client's inbox: accepted, then maybe closed.
            c.monitor = c.inbox.get_monitor_socket(zmq.EVENT_ACCEPTED | zmq.EVENT_DISCONNECTED)
            c.held = 0
            clients.append(c)
            c.send(login_frame(1, "nobody", "some-password", c.endpoint, c.key))
            f, _ = c.until(REPLY)
            assert f is not None and reply_of(f)[0] == 1, f"no answer to fresh key {i}; registry: {reg.err[-5:]}"

        def held():
            for c in clients:
                while c.monitor.poll(0):
                    event = recv_monitor_message(c.monitor)["event"]
                    c.held += 1 if event == zmq.EVENT_ACCEPTED else -1
            return sum(1 for c in clients if c.held > 0)

        deadline = time.time() + 10
        while held() > 8 and time.time() < deadline:
            time.sleep(0.1)
        assert held() <= 8, f"the registry holds {held()} connections to 20 fresh keys' inboxes (bound 8)"
        # alice's connection was the least recently used: closed; her login connects again.
        alice.command("login alice-pass-9xq", r"logged in as alice")
        # So does a fresh key's, closed long ago.
        first = clients[0]
        first.send(login_frame(2, "nobody", "some-password", first.endpoint, first.key))
        f, _ = first.until(REPLY)
        assert f is not None and reply_of(f)[0] == 2, f
        assert reg.alive()
    finally:
        for c in clients:
            c.inbox.disable_monitor()
            c.monitor.close(0)
            c.close()
        net.close()


if __name__ == "__main__":
    run_tests(globals())
