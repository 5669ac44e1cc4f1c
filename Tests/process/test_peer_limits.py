"""Multi-process tests of what a standalone peer's inbox lets the world make it hold
(docs/protocol.md 7, "peer connections"): anyone who knows a peer's public key can connect to
its inbox, so its connections are capped, in all and from one address, as the registry's are.
A real `confchat registry` and `confchat peer` processes over tcp with CURVE; the flood is
plain tcp sockets (no handshake, no key) from other loopback addresses.

Run: python3 Tests/process/test_peer_limits.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import PASSWORDS, Network, friends, run_tests
from test_registry_limits import closed_by_registry as closed_by_node, still_open
import socket


def bare(endpoint, source):
    """A tcp connection to `endpoint` from `source` that never says a word."""
    host, port = endpoint.replace("tcp://", "").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))


def test_a_flood_from_one_address_is_held_at_the_cap_and_a_friend_still_gets_through():
    """A peer's inbox accepted every connection: a stranger who knew bob's public key (it is no
    secret: the registry hands it to every friend) could make him hold an engine and buffers for
    each, until his open-file limit stopped his friends too. Now bob holds 64 from one address
    and closes each one beyond as it is accepted; alice, restarted (a new connection to bob),
    still reaches him."""
    net = Network()
    held = []
    try:
        net.start_registry()
        alice, bob = friends(net)
        first = [bare(bob.endpoint, "127.0.0.2") for _ in range(64)]
        extra = [bare(bob.endpoint, "127.0.0.2") for _ in range(6)]
        held = first + extra
        assert all(closed_by_node(s) for s in extra), "bob kept a 65th connection from one address"
        assert all(still_open(s) for s in first), "bob closed a connection within the cap"
        assert bob.logged("bob: refused a connection from 127.0.0.2: 64 connections from that address held already"), bob.err
        # alice comes back as a new process: her connections to bob are new ones.
        alice.quit()
        alice = net.start_peer("alice")
        alice.command(f"login {PASSWORDS['alice']}", r"logged in as alice")
        alice.expect(r"bob is online", timeout=15)
        alice.command('send bob "through the flood"', r"sent to bob")
        bob.expect(r"alice: through the flood", timeout=15)
        assert bob.alive()
    finally:
        for s in held:
            s.close()
        net.close()


def test_the_cap_in_all_is_set_on_the_command_line():
    """`confchat peer --max-connections 10`: the registry's connection to bob counts among the
    10, so a flood from another address gets the places left, and no more."""
    net = Network()
    flood = []
    try:
        net.start_registry()
        bob = net.start_peer("bob", args=["--max-connections", "10", "--max-connections-per-address", "100"])
        bob.command(f"register {PASSWORDS['bob']}", r"registered bob")
        bob.command(f"login {PASSWORDS['bob']}", r"logged in as bob")
        flood = [bare(bob.endpoint, "127.0.0.2") for _ in range(12)]
        assert all(closed_by_node(s) for s in flood[9:]), "bob holds more than 10 connections in all"
        assert all(still_open(s) for s in flood[:9]), "bob closed a connection within the cap"
        assert bob.logged("bob: refused a connection from 127.0.0.2: 10 connections held already, the most in all"), bob.err
        # The registry's own connection was among those held: its answers still reach bob.
        bob.command("add-friend zed", r"^(?!.*did not answer).*zed")
        assert bob.alive()
    finally:
        for s in flood:
            s.close()
        net.close()


if __name__ == "__main__":
    run_tests(globals())
