"""A hostile friend over tcp/CURVE: a client written from docs/protocol.md alone (ccp.py)
befriends a real `confchat peer` through a real `confchat registry`, then misbehaves.

Run: python3 Tests/process/test_hostile_peer.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, re, sys, time

import zmq
from zmq.utils import z85

sys.path.insert(0, os.path.dirname(__file__))
import ccp
from harness import Network, conversation, friends, run_tests


def hostile_friend(net, bob, name="mallory"):
    """A protocol client registered as `name` and befriended by bob; returns (ctx, client, bob's info)."""
    ctx = zmq.Context()
    registry_key = open(net.path("reg", "registry.pub")).read().strip().encode()
    m = ccp.Client(ctx, name, net.registry_endpoint, registry_key)
    m.register(f"{name}-pass-4kq")
    m.login(f"{name}-pass-4kq")
    assert m.request(lambda req: ccp.friend_request(req, "bob"))["error"] is None
    bob.expect(rf"friend request from {name}")
    bob.command(f"accept {name}", r"friends")
    info = m.receive("FRIEND-ADDED", where=lambda f: f["name"] == "bob")
    info["z85"] = z85.encode(info["key"])
    return ctx, m, info


class HostileFriend:
    """A registry, alice and bob as real processes, and mallory: the protocol client,
    befriended by bob. Yields (network, bob, mallory, send-to-bob)."""

    def __enter__(self):
        self.net = Network()
        self.net.start_registry()
        _, bob = friends(self.net)
        self.ctx, m, info = hostile_friend(self.net, bob)
        return self.net, bob, m, lambda data: m.send(info["endpoint"], info["z85"], data)

    def __exit__(self, *_):
        self.ctx.destroy(0)
        self.net.close()


def acks(m, seconds):
    """Every CHAT-ACK `up-to` the client gets within `seconds`."""
    got = []
    deadline = time.time() + seconds
    while True:
        try:
            got.append(m.receive("CHAT-ACK", timeout=max(0.05, deadline - time.time()))["up-to"])
        except AssertionError:
            return got


def test_chat_with_seq_zero_does_not_wedge_the_pair():
    with HostileFriend() as (net, bob, m, to_bob):

        to_bob(ccp.chat(0, b"zero"))          # a zero-based counter
        assert m.receive("CHAT-ACK")["up-to"] == 0
        to_bob(ccp.chat(1, b"one"))
        to_bob(ccp.chat(2, b"two"))
        bob.expect(r"mallory: one")
        bob.expect(r"mallory: two")
        m.receive("CHAT-ACK", where=lambda f: f["up-to"] == 2)
        assert conversation(bob, "mallory") == ["one", "two"]
        assert any("refused mallory#0" in line for line in bob.err), bob.err

        # After a restart bob still says, in HELLO, that he holds #1 and #2.
        bob.command("logout", r"logged out")
        bob.quit()
        bob2 = net.start_peer("bob")
        bob2.command("login bob-pass-7zk", r"logged in as bob")
        hello = m.receive("HELLO", where=lambda f: not f["is-reply"])
        assert hello["ack"] == 2, hello


def test_returned_mail_is_deposited_again():
    """protocol.md 5.6: mail the recipient cannot open (sealed to a key it does not hold, as after
    its wipe) comes back to its online sender as MAIL-RETURNED; deposited again, sealed to the
    recipient's key, it arrives, once."""
    import nacl.public
    net, ctx = Network(), None
    try:
        net.start_registry()
        _, bob = friends(net)
        ctx, m, info = hostile_friend(net, bob)
        text = b"returned, then sent again"
        wrong = bytes(nacl.public.PrivateKey.generate().public_key)    # a key bob does not hold
        proof = ccp.proof("mallory", "mallory-pass-4kq", "bob", 1, "", text)
        m.to_registry(ccp.deposit("bob", 1, ccp.sealed(text, wrong), proof))
        assert m.receive("DEPOSIT-ACK") == {"to": "bob", "seq": 1}
        # bob, online, gets it pushed, cannot open it and has the registry delete it: it comes back.
        assert m.receive("MAIL-RETURNED", timeout=15) == {"to": "bob", "seq": 1}
        assert conversation(bob, "mallory") == []
        m.to_registry(ccp.deposit("bob", 1, ccp.sealed(text, info["key"]), proof))
        assert m.receive("DEPOSIT-ACK") == {"to": "bob", "seq": 1}
        bob.expect(r"mallory: returned, then sent again", timeout=15)
        assert conversation(bob, "mallory") == ["returned, then sent again"]
    finally:
        if ctx is not None:
            ctx.destroy(0)
        net.close()


def test_early_messages_are_held_within_bounds():
    with HostileFriend() as (net, bob, m, to_bob):

        big = b"x" * 65536
        for seq in range(2, 1001):            # 64 MB of messages ahead of a gap that never fills
            to_bob(ccp.chat(seq, big))
        assert set(acks(m, 3.0)) == {0}
        to_bob(ccp.chat(1, b"one"))
        # Only what fit in the 4 MiB a sender may have held follows #1: 64 bodies of 64 KiB.
        m.receive("CHAT-ACK", where=lambda f: f["up-to"] == 65, timeout=15)
        assert max(acks(m, 2.0) + [65]) == 65
        assert any("refused mallory#66: the hold-back buffer is full" in line for line in bob.err), bob.err[-5:]
        assert any("refused mallory#258: beyond the hold-back window" in line for line in bob.err), bob.err[-5:]
        # An honest retry of the rest is taken in order.
        for seq in range(66, 70):
            to_bob(ccp.chat(seq, b"m%d" % seq))
        m.receive("CHAT-ACK", where=lambda f: f["up-to"] == 69)
        assert bob.alive()


def test_a_friend_cannot_put_words_in_your_mouth():
    with HostileFriend() as (net, bob, m, to_bob):

        to_bob(ccp.hello(m.endpoint, 0, 0, 0))    # online, so bob writes directly
        bob.expect(r"mallory is online")
        bob.command('send mallory "what bob wrote"', r"sent to mallory")
        real = m.receive("CHAT", where=lambda f: f["seq"] == 1)
        # The proof is what protocol.md 6.7 says (bob's password is known to this test).
        assert real["proof"] == ccp.proof("bob", "bob-pass-7zk", "mallory", 1, "", b"what bob wrote"), real
        to_bob(ccp.chat_ack(1))
        # "bob's" #2, made up; and #1 with another text but bob's real proof of #1.
        to_bob(ccp.history(2, [("", b"words bob never wrote", b"")]))
        to_bob(ccp.history(1, [("", b"another text for #1", real["proof"])]))
        time.sleep(1.0)
        bob.send("messages mallory")
        bob.expect(r"conversation with mallory")
        # Each line "  2026-12-01 14:03  bob: TEXT": the time bob stored it, then the message.
        mine = [m.group(1) for m in (re.match(r"^  (?:\S+ \S+  )?bob: (.*)$", l) for l in bob.drain(1.0)) if m]
        assert mine == ["what bob wrote"], mine
        assert any("refused mallory's HISTORY #2...#2: not proven ours" in line for line in bob.err), bob.err[-5:]
        # bob's next message is his #2: the made-up one took no place in his sequence.
        bob.command('send mallory "next"', r"sent to mallory")
        nxt = m.receive("CHAT", where=lambda f: f["body"] == b"next")
        assert nxt["seq"] == 2, nxt


if __name__ == "__main__":
    run_tests(globals())
