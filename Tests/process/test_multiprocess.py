"""Multi-process tests: a registry and peers as separate processes over tcp (CURVE).

Run: python3 Tests/process/test_multiprocess.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, socket, sys, time

sys.path.insert(0, os.path.dirname(__file__))
import ccp
from harness import PASSWORDS, Network, conversation, friends, run_tests


def test_mail_survives_registry_kill9():
    net = Network()
    try:
        reg = net.start_registry()
        alice, bob = friends(net)
        bob.command("logout", r"logged out")
        alice.expect(r"bob is offline")
        alice.command('send bob "in the mailbox"', r"sent to bob")
        time.sleep(0.5)  # the deposit is acknowledged by the registry (committed first)
        reg.kill9()
        # Same data directory, same port: the registry comes back with its mailbox.
        reg2 = net.start_registry(bind=net.registry_endpoint)
        bob.command("login bob-pass-7zk", r"logged in as bob")
        bob.expect(r"alice: in the mailbox", timeout=15)
        got = conversation(bob, "alice")
        assert got == ["in the mailbox"], got
    finally:
        net.close()


def test_message_survives_sender_kill9():
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        bob.command("logout", r"logged out")
        alice.expect(r"bob is offline")
        alice.send('send bob "sent, then killed"')
        alice.expect(r"sent to bob")
        alice.kill9()  # right after send returned: the message is only sure to be in alice's database
        alice2 = net.start_peer("alice")
        alice2.command("login alice-pass-9xq", r"logged in as alice")
        time.sleep(3)  # alice retries what bob has not confirmed
        bob.command("login bob-pass-7zk", r"logged in as bob")
        bob.expect(r"alice: sent, then killed", timeout=15)
        got = conversation(bob, "alice")
        assert got == ["sent, then killed"], got
    finally:
        net.close()


def test_hostile_input_is_refused():
    import zmq
    net = Network()
    try:
        reg = net.start_registry()
        alice, bob = friends(net)
        host, port = net.registry_endpoint[len("tcp://"):].rsplit(":", 1)

        # 1. Garbage on the registry's tcp port.
        s = socket.create_connection((host, int(port)))
        s.sendall(os.urandom(4096))
        s.close()

        ctx = zmq.Context()
        # 2. A client that does not have the registry's key: the CURVE handshake fails.
        wrong = ctx.socket(zmq.DEALER)
        wrong.linger = 0
        pub, sec = zmq.curve_keypair()
        wrong.curve_publickey, wrong.curve_secretkey = pub, sec
        wrong.curve_serverkey = zmq.curve_keypair()[0]
        wrong.routing_id = b"alice"
        wrong.connect(net.registry_endpoint)
        wrong.send(bytes([0xC7, 0xA1, 0x01, 0x0A]))  # PING
        assert wrong.poll(1500) == 0, "a client with the wrong server key got an answer"

        # 3. A forged sender: a valid CURVE client with its own key, claiming to be alice.
        bob_key = open(net.path("bob", "curve.key")).read().split("\n")[0]
        forger = ctx.socket(zmq.DEALER)
        forger.linger = 0
        forger.curve_publickey, forger.curve_secretkey = pub, sec
        forger.curve_serverkey = bob_key.encode()
        forger.routing_id = b"alice"
        forger.connect(bob.endpoint)
        forger.send(ccp.chat(99, b"forged by mallory"))
        forger.send(b"\x00garbage frame")
        time.sleep(1.0)
        assert any("rejected" in l and "alice" in l for l in bob.err), bob.err

        # Everyone keeps serving: a real message still goes through, and a new user registers.
        alice.command('send bob "still here"', r"sent to bob")
        bob.expect(r"alice: still here")
        got = conversation(bob, "alice")
        assert got == ["still here"], got
        carol = net.start_peer("carol")
        carol.command("register c", r"registered carol")
        assert reg.alive() and bob.alive() and alice.alive()
        ctx.destroy(0)
    finally:
        net.close()


def test_no_secret_in_data_directories():
    """No file of any data directory holds a password; the registry's holds no message body."""
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        alice.command('send bob "live and direct"', r"sent to bob")
        bob.command("logout", r"logged out")
        alice.expect(r"bob is offline")
        alice.command('send bob "top secret body"', r"sent to bob")
        time.sleep(1.0)
        checked = 0
        for root, _, files in os.walk(net.dir):
            for f in files:
                data = open(os.path.join(root, f), "rb").read()
                checked += 1
                for pw in PASSWORDS.values():
                    assert pw.encode() not in data, f"a password in clear in {root}/{f}"
                if os.path.relpath(root, net.dir).split(os.sep)[0] == "reg":
                    for body in (b"top secret body", b"live and direct"):
                        assert body not in data, f"a message body in clear in {root}/{f}"
        assert checked >= 6, checked
    finally:
        net.close()


if __name__ == "__main__":
    run_tests(globals())
