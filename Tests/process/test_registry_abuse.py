"""Multi-process tests of the registry against hostile and broken clients: a real
`confchat registry` (and `confchat peer`s) over tcp with CURVE, and clients written with pyzmq
from docs/protocol.md alone (harness.RawClient).

Run: python3 Tests/process/test_registry_abuse.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, shutil, sqlite3, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (PASSWORDS, DEPOSIT_ACK, DEPOSIT_REFUSED, LOGIN_REPLY, PING, PONG, REPLY, Network, RawClient,
                     deposit_frame, friend_request_frame, friends, login_frame, register_frame, reply_of, run_tests)


def registered(net, name, password, routing_id=None):
    """A RawClient with a fresh account."""
    c = RawClient(net, routing_id=routing_id)
    c.send(register_frame(1, name, password, c.endpoint, c.key))
    f, _ = c.until(REPLY)
    assert f is not None and reply_of(f) == (1, None), f"{name} could not register: {f}"
    return c


def mallory_befriends(net, bob):
    """A RawClient `mallory`, registered and a friend of the peer process `bob` (logged in)."""
    mallory = registered(net, "mallory", "mallory-pw")
    mallory.send(friend_request_frame(2, "bob"))
    f, _ = mallory.until(REPLY)
    assert f is not None and reply_of(f) == (2, None), f
    bob.expect(r"friend request from mallory")
    bob.command("accept mallory", r"friends")
    return mallory


def test_register_with_an_invalid_name_is_answered():
    """protocol.md promises a REPLY; the registry used to stay silent and log 'key does not match'."""
    net = Network()
    try:
        reg = net.start_registry()
        c = RawClient(net)
        c.send(register_frame(1, "Bad Name", "pw", c.endpoint, c.key))
        f, _ = c.until(REPLY)
        assert f is not None, f"no REPLY to a REGISTER with an invalid name; registry log: {reg.err}"
        assert reply_of(f) == (1, "'Bad Name' is not a valid user name"), reply_of(f)
        assert not any("does not match" in l for l in reg.err), reg.err
        c.close()
    finally:
        net.close()


def test_a_routing_id_squatter_blocks_no_one():
    """A client connected with routing id 'carol' used to make the real carol's REGISTER (sent,
    as protocol.md 3.1 said, with routing id = name) vanish; so did a LOGIN from a new key while
    the old connection was open."""
    net = Network()
    try:
        reg = net.start_registry()
        squatter = RawClient(net, routing_id=b"carol")
        squatter.send(PING)  # from a key with no account: rejected, but the connection stays
        time.sleep(0.5)
        carol = RawClient(net, routing_id=b"carol")
        carol.send(register_frame(1, "carol", "carol-pw", carol.endpoint, carol.key))
        f, _ = carol.until(REPLY)
        assert f is not None, f"carol's REGISTER went unanswered while a squatter held her routing id; registry: {reg.err}"
        assert reply_of(f) == (1, None), reply_of(f)
        carol.send(login_frame(2, "carol", "carol-pw", carol.endpoint, carol.key))
        f, _ = carol.until(LOGIN_REPLY)
        assert f is not None, "carol's LOGIN went unanswered"
        # A new machine (a new key), same routing id, while the old connection is still open.
        carol2 = RawClient(net, routing_id=b"carol")
        carol2.send(login_frame(1, "carol", "carol-pw", carol2.endpoint, carol2.key))
        f, _ = carol2.until(LOGIN_REPLY)
        assert f is not None, f"a LOGIN from a new key while the old connection is open went unanswered; registry: {reg.err}"
        for c in (squatter, carol, carol2):
            c.close()
        assert reg.alive()
    finally:
        net.close()


def test_mail_that_does_not_open_is_dropped_and_deleted():
    """An unsealed DEPOSIT body was acknowledged and then offered to the recipient at every PING, for ever."""
    net = Network()
    try:
        reg = net.start_registry()
        bob = net.start_peer("bob")
        bob.command("register bob-pw", r"registered bob")
        bob.command("login bob-pw", r"logged in as bob")
        mallory = mallory_befriends(net, bob)
        bob.command("logout", r"logged out")
        mallory.send(deposit_frame("bob", 1, b"not sealed at all"))
        f, _ = mallory.until(DEPOSIT_ACK)
        assert f is not None, "the DEPOSIT was not acknowledged"
        bob.command("login bob-pw", r"logged in as bob")
        deadline = time.time() + 10
        while time.time() < deadline and not any("deleted mail mallory#1 for bob" in l for l in reg.err):
            time.sleep(0.1)
        assert any("deleted mail mallory#1 for bob: bob could not open it" in l for l in reg.err), reg.err
        db = sqlite3.connect(net.path("reg", "registry.sqlite"))
        left = db.execute("SELECT COUNT(*) FROM mailbox").fetchone()[0]
        db.close()
        assert left == 0, f"{left} mail item(s) still in the registry"
        mallory.close()
    finally:
        net.close()


def large_mail_for_bob(net, tag):
    """alice and bob friends, both logged out, and 300 items of 60 KB (18 MB) from alice waiting
    for bob, texts `<tag>001 yyy...` to `<tag>300 yyy...`. Returns the two peer processes."""
    alice, bob = friends(net)
    bob.command("logout", r"logged out")
    alice.expect(r"bob is offline")
    filler = "y" * 60_000
    for i in range(1, 301):
        alice.command(f'send bob "{tag}{i:03d} {filler}"', r"sent to bob", timeout=20)
    alice.command("logout", r"logged out")  # everything comes by mail, nothing directly
    return alice, bob


def test_large_mail_arrives_in_pages():
    """300 sealed items of 60 KB (18 MB) made one LOGIN-REPLY over the 16 MiB frame limit: none arrived."""
    net = Network()
    try:
        net.start_registry()
        alice, bob = large_mail_for_bob(net, "m")
        bob.command(f"login {PASSWORDS['bob']}", r"logged in as bob")
        bob.expect(r"alice: m300 ", timeout=180)  # 18 MB of sealed mail to open: slow under load, not a speed check
        assert bob.alive()
    finally:
        net.close()


def test_a_wiped_user_logs_in_despite_large_mail():
    """With an empty data directory, 18 MB of waiting mail made the login itself fail ("the
    registry did not answer"). Now the login completes; the mail, sealed to the key the wipe
    lost, is dropped and deleted, and alice sends it again to the new key."""
    net = Network()
    try:
        reg = net.start_registry()
        alice, bob = large_mail_for_bob(net, "w")
        bob.quit()
        shutil.rmtree(net.path("bob"))
        bob = net.start_peer("bob")
        bob.command(f"login {PASSWORDS['bob']}", r"logged in as bob", timeout=20)
        deadline = time.time() + 60
        while time.time() < deadline and sum("could not open it" in l for l in reg.err) < 300:
            time.sleep(0.2)
        assert sum("could not open it" in l for l in reg.err) == 300, reg.err[-5:]
        alice.command(f"login {PASSWORDS['alice']}", r"logged in as alice")
        bob.expect(r"alice: w300 ", timeout=180)
    finally:
        net.close()


def test_a_full_mailbox_refuses_with_a_reason():
    """A recipient's mailbox is bounded (1,000 items, docs/protocol.md 7): the next DEPOSIT is refused, and says so."""
    net = Network()
    try:
        net.start_registry()
        bob = net.start_peer("bob")
        bob.command("register bob-pw", r"registered bob")
        bob.command("login bob-pw", r"logged in as bob")
        mallory = mallory_befriends(net, bob)
        bob.command("logout", r"logged out")
        # bob's LOGOUT and mallory's deposits travel on different connections: the first few
        # may still be pushed to bob, who drops what does not open (MAIL-DROP). So deposit a
        # few more than fit, and count what the registry holds once it has read them all.
        for seq in range(1, 1101):
            mallory.send(deposit_frame("bob", seq, b"sealed?"))
        mallory.send(PING)  # answered after every deposit before it (one connection keeps order)
        f, before = mallory.until(DEPOSIT_REFUSED, timeout=20)
        acks = [b for b in before if b[3] == DEPOSIT_ACK]
        assert f is not None, f"no DEPOSIT-REFUSED after {len(acks)} acknowledged deposits"
        assert b"bob's mailbox is full" in f, f
        pong, _ = mallory.until(PONG, timeout=20)
        assert pong is not None, "no PONG after the deposits"
        db = sqlite3.connect(net.path("reg", "registry.sqlite"))
        held = db.execute("SELECT COUNT(*) FROM mailbox WHERE to_user = 'bob'").fetchone()[0]
        db.close()
        assert held == 1000, f"bob's mailbox holds {held} items"
        mallory.close()
    finally:
        net.close()


def test_wrong_password_flood_does_not_stall_the_registry():
    """400 wrong-password LOGINs from one key used to keep a PING waiting for seconds (Argon2id
    ran on the registry's only loop). Here at the real cost (no --fast-hash)."""
    net = Network()
    try:
        reg = net.start_registry(fast_hash=False)
        alice = registered(net, "alice", "alice-right-pw")
        mallory = registered(net, "mallory", "mallory-pw")
        for i in range(400):
            mallory.send(login_frame(100 + i, "alice", f"guess-{i}", mallory.endpoint, mallory.key))
        mallory.send(PING)
        # Generous: at about 100 ms a hash, 400 of them on the loop take 40 s or more.
        pong, before = mallory.until(PONG, timeout=20)
        assert pong is not None, f"no PONG within 20 s of 400 wrong LOGINs ({len(before)} replies came first)"
        answers = [reply_of(b) for b in before if b[3] == REPLY]
        deadline = time.time() + 10
        while len(answers) < 400 and time.time() < deadline:
            f = mallory.receive(max(0.01, deadline - time.time()))
            if f is not None and f[3] == REPLY:
                answers.append(reply_of(f))
        assert len(answers) == 400, f"{len(answers)} of 400 LOGINs answered"
        wrong = [a for a in answers if a[1] == "wrong password"]
        assert len(wrong) <= 3, f"{len(wrong)} passwords hashed for one key; the rest should be refused at once"
        # The real user logs in at once all the same.
        alice.send(login_frame(2, "alice", "alice-right-pw", alice.endpoint, alice.key))
        f, _ = alice.until(LOGIN_REPLY, timeout=10)
        assert f is not None, f"alice could not log in after the flood; registry: {reg.err}"
        alice.close()
        mallory.close()
    finally:
        net.close()


def test_requests_per_key_are_bounded():
    """One key may send 10,000 messages at once and 1,000 a second after that (docs/protocol.md 7):
    a flood beyond is dropped and logged, and other users are served all the same."""
    net = Network()
    try:
        reg = net.start_registry()
        alice = registered(net, "alice", "alice-pw")
        mallory = registered(net, "mallory", "mallory-pw")
        start = time.time()
        for _ in range(30_000):
            mallory.send(PING)
        pongs = 0
        while mallory.receive(2.0) is not None:
            pongs += 1
        elapsed = time.time() - start
        # 10,000 at once plus 1,000 a second of the time the flood took, with room to spare.
        assert 0 < pongs < 10_000 + 1_000 * elapsed + 1_000, f"{pongs} PONGs for 30,000 PINGs in {elapsed:.1f}s"
        assert any("over its budget of requests" in l for l in reg.err), reg.err
        alice.send(PING)
        f, _ = alice.until(PONG)
        assert f is not None, "alice's PING went unanswered during mallory's flood"
        alice.close()
        mallory.close()
    finally:
        net.close()


if __name__ == "__main__":
    run_tests(globals())
