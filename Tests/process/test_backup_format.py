"""BACKUP as an outside client reads it: following docs/protocol.md (5.7) and docs/security.md
alone, a client logs in as a user of a real `confchat peer`, asks for the backup a real
`confchat registry` holds, derives the key from the password and decrypts every entry.

Run: python3 Tests/process/test_backup_format.py  (after swift build; needs pyzmq and PyNaCl)
"""
import os, shutil, sys, time

import nacl.secret
import zmq

sys.path.insert(0, os.path.dirname(__file__))
import ccp
from harness import PASSWORDS, Network, conversation, friends, run_tests


def open_entry(key, body):
    # body = 24-octet nonce || XSalsa20-Poly1305 box (16-octet tag first), libsodium's secretbox_easy
    return nacl.secret.SecretBox(key).decrypt(body[24:], body[:24])


def friends_gone(net):
    """alice and bob made friends through real peers, then logged out and quit."""
    net.start_registry()
    for peer in friends(net):
        peer.command("logout", r"logged out")
        peer.quit()


def alice_client(net):
    """A client of alice's, written from the docs, logged in: (its context, it, her backup box)."""
    ctx = zmq.Context()
    registry_key = open(net.path("reg", "registry.pub")).read().strip().encode()
    client = ccp.Client(ctx, "alice", net.registry_endpoint, registry_key)
    client.login(PASSWORDS["alice"])
    key = ccp.backup_key("alice", PASSWORDS["alice"])
    return ctx, client, key, nacl.secret.SecretBox(key)


def test_a_client_decrypts_its_backup_from_the_docs():
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        alice.command('send bob "before the wipe 🔒"', r"sent to bob")
        bob.expect(r"alice: before the wipe")
        bob.command('send alice "a reply"', r"sent to alice")
        alice.expect(r"bob: a reply")
        time.sleep(0.5)  # the BACKUP messages reach the registry
        alice.command("logout", r"logged out")
        alice.quit()

        # alice on a new machine: her own client, a new key, the same password.
        ctx = zmq.Context()
        registry_key = open(net.path("reg", "registry.pub")).read().strip().encode()
        client = ccp.Client(ctx, "alice", net.registry_endpoint, registry_key)
        snapshot = client.login(PASSWORDS["alice"], want_backup=True)
        key = ccp.backup_key("alice", PASSWORDS["alice"])
        got = sorted((e["peer"], e["outgoing"], e["seq"], open_entry(key, e["body"]).decode()) for e in snapshot["backup"])
        assert got == [("bob", False, 1, "a reply"), ("bob", True, 1, "before the wipe 🔒")], got
        assert [f["name"] for f in snapshot["friends"]] == ["bob"]
        # The registry cannot read them: no body is in clear in what it sent.
        assert all(b"before the wipe" not in e["body"] for e in snapshot["backup"])
        ctx.destroy(0)
    finally:
        net.close()


def test_a_backup_of_several_pages_comes_back_whole():
    """A backup of 5,000 entries does not fit one page (4,096 entries, protocol.md 5.6): a client
    written from the docs pages through it (BACKUP-FETCH), and a real `confchat peer` on an empty
    data directory restores every message, in order, before its login completes."""
    net = Network()
    try:
        friends_gone(net)
        shutil.rmtree(net.path("alice"))  # alice's data directory is gone: a wipe

        # A client of alice's writes her backup: 5,000 messages from bob, encrypted (5.7).
        ctx, client, key, box = alice_client(net)
        texts = [f"from bob #{i}" for i in range(1, 5001)]
        for seq, text in enumerate(texts, 1):
            client.to_registry(ccp.backup("bob", False, seq, bytes(box.encrypt(text.encode()))))
        snapshot = client.login(PASSWORDS["alice"], want_backup=True)  # after the BACKUPs, on the same connection
        assert [open_entry(key, e["body"]).decode() for e in snapshot["backup"]] == texts
        ctx.destroy(0)

        alice = net.start_peer("alice")
        alice.command("login alice-pass-9xq", r"logged in as alice", timeout=30)
        assert conversation(alice, "bob") == texts
    finally:
        net.close()


def test_a_client_sends_several_entries_in_one_backups_frame():
    """BACKUPS as the docs give it (protocol.md 5.6): one frame of entries, each encrypted on its
    own, kept in order by a real `confchat registry`; a repeat in a later frame is taken as
    before, and a frame of no entry is refused and keeps nothing."""
    net = Network()
    try:
        friends_gone(net)
        ctx, client, key, box = alice_client(net)
        sent = [("bob", True, 1, "one"), ("bob", False, 1, "two"), ("bob", True, 2, "three")]
        entries = [ccp.backup_entry(peer, out, seq, bytes(box.encrypt(text.encode()))) for peer, out, seq, text in sent]
        client.to_registry(ccp.backups(entries))
        client.to_registry(ccp.backups(entries[:1] + [ccp.backup_entry("bob", False, 2, bytes(box.encrypt(b"four")))]))
        client.to_registry(ccp.frame("BACKUPS", bytes([0, 0])))  # no entry: an error of the frame
        snapshot = client.login(PASSWORDS["alice"], want_backup=True)  # after the frames, on the same connection
        got = [(e["peer"], e["outgoing"], e["seq"], open_entry(key, e["body"]).decode()) for e in snapshot["backup"]]
        assert got == sent + [("bob", False, 2, "four")], got
        ctx.destroy(0)
    finally:
        net.close()


if __name__ == "__main__":
    run_tests(globals())
