"""A conf-chat client written from docs/protocol.md alone: the frames a test client needs.

Only what the multi-process tests use: enough to register, log in, make friends, chat, leave
mail sealed to the recipient's key (and leave it again when the registry returns it, MAIL-RETURNED),
and read a LOGIN-REPLY (backup included) and the pages of mail and backup after it. Each function follows the ABNF of protocol.md 4.
"""
import struct, time

import zmq
from zmq.utils import z85

PREFIX = bytes([0xC7, 0xA1, 0x01])
KINDS = {"REGISTER": 0x01, "LOGIN": 0x02, "FRIEND-REQUEST": 0x04, "FRIEND-ANSWER": 0x05, "DEPOSIT": 0x07, "BACKUP": 0x09,
         "PING": 0x0A,
         "MAIL-FETCH": 0x11, "MAIL-DROP": 0x12, "BACKUP-FETCH": 0x13, "BACKUPS": 0x14,
         "REPLY": 0x20, "LOGIN-REPLY": 0x21, "FRIEND-REQUEST-NOTICE": 0x22, "FRIEND-ADDED": 0x23,
         "DEPOSIT-ACK": 0x25, "MAILBOX": 0x26, "PONG": 0x27, "MAIL-PAGE": 0x2B, "DEPOSIT-REFUSED": 0x2C,
         "MAIL-RETURNED": 0x2D, "BACKUP-PAGE": 0x2E,
         "HELLO": 0x40, "HEARTBEAT": 0x41, "BYE": 0x42, "CHAT": 0x43, "CHAT-ACK": 0x44, "HISTORY": 0x45}
NAMES = {v: k for k, v in KINDS.items()}


def short(b): return bytes([len(b)]) + b
def long_(b): return len(b).to_bytes(4, "big") + b
def u32(n): return n.to_bytes(4, "big")
def u64(n): return n.to_bytes(8, "big")


def frame(kind, *fields): return PREFIX + bytes([KINDS[kind]]) + b"".join(fields)


def register(req, name, password, endpoint, key):
    return frame("REGISTER", u32(req), short(name.encode()), long_(password.encode()), short(endpoint.encode()), short(key))


def login(req, name, password, endpoint, key, want_backup=False):
    return frame("LOGIN", u32(req), short(name.encode()), long_(password.encode()), short(endpoint.encode()),
                 bytes([1 if want_backup else 0]), short(key))


def backup_entry(peer, outgoing, seq, body, group="", proof=b""):
    return short(peer.encode()) + bytes([1 if outgoing else 0]) + u64(seq) + short(group.encode()) + long_(body) + short(proof)


def backup(peer, outgoing, seq, body, group="", proof=b""):
    return frame("BACKUP", backup_entry(peer, outgoing, seq, body, group, proof))


def backups(entries):
    """BACKUPS: several entries (each a `backup_entry`), 1 to 256 (protocol.md 5.6)."""
    return frame("BACKUPS", len(entries).to_bytes(2, "big"), *entries)


def backup_fetch(req, from_): return frame("BACKUP-FETCH", u32(req), u32(from_))


def friend_request(req, to): return frame("FRIEND-REQUEST", u32(req), short(to.encode()))
def deposit(to, seq, body, proof=b""): return frame("DEPOSIT", short(to.encode()), u64(seq), long_(body), short(proof))
def sealed(body, key):
    """protocol.md 5.7: a mail body sealed to the recipient's CURVE public key (32 octets), libsodium's sealed box."""
    import nacl.public
    return nacl.public.SealedBox(nacl.public.PublicKey(key)).encrypt(body)


def chat(seq, body, proof=b""): return frame("CHAT", u64(seq), long_(body), short(proof))
def chat_ack(up_to): return frame("CHAT-ACK", u64(up_to))


def history(first, items):
    """items: (group, body, proof) triples, group "" for none."""
    return frame("HISTORY", u64(first), len(items).to_bytes(2, "big"),
                 b"".join(short(g.encode()) + long_(b) + short(p) for g, b, p in items))
def hello(endpoint, ack, sent, is_reply): return frame("HELLO", short(endpoint.encode()), u64(ack), u64(sent), bytes([is_reply]))


# protocol.md 5.7: the Argon2id cost of `--fast-hash`, which the test processes use
# (OPSLIMIT 1, MEMLIMIT 8192 octets; the default is OPSLIMIT 2, MEMLIMIT 19 MiB).
FAST_OPS, FAST_MEM = 1, 8192


def backup_key(user, password, ops=FAST_OPS, mem=FAST_MEM):
    """protocol.md 5.7: salt = BLAKE2b-128, no key, of "conf-chat backup " + name; key = Argon2id."""
    import hashlib, nacl.pwhash
    salt = hashlib.blake2b(f"conf-chat backup {user}".encode(), digest_size=16).digest()
    return nacl.pwhash.argon2id.kdf(32, password.encode(), salt, opslimit=ops, memlimit=mem)


def proof(user, password, to, seq, group, body):
    """protocol.md 6.7: the proof of `user`'s message `seq` to `to`."""
    import hashlib
    key = hashlib.blake2b(b"conf-chat proof", digest_size=32, key=backup_key(user, password)).digest()
    return hashlib.blake2b(short(to.encode()) + u64(seq) + short(group.encode()) + long_(body), digest_size=16, key=key).digest()


class Reader:
    def __init__(self, data): self.data, self.at = data, 0
    def take(self, n):
        assert self.at + n <= len(self.data), "truncated"
        out = self.data[self.at:self.at + n]; self.at += n; return out
    def u8(self): return self.take(1)[0]
    def u16(self): return int.from_bytes(self.take(2), "big")
    def u32(self): return int.from_bytes(self.take(4), "big")
    def u64(self): return int.from_bytes(self.take(8), "big")
    def short(self): return self.take(self.u8())
    def long(self): return self.take(self.u32())
    def text(self): return self.short().decode()
    def bool(self): return self.u8() == 1
    def list(self, item): return [item() for _ in range(self.u16())]


def decode(data):
    """(kind name, dict of fields) for the kinds a test reads; other kinds give an empty dict."""
    assert data[:3] == PREFIX, data[:4]
    kind, r = NAMES.get(data[3], hex(data[3])), Reader(data[4:])
    friend = lambda: {"name": r.text(), "endpoint": r.text(), "online": r.bool(), "key": r.short()}
    mail = lambda: {"from": r.text(), "seq": r.u64(), "group": r.text(), "body": r.long(), "proof": r.short()}
    entry = lambda: {"peer": r.text(), "outgoing": r.bool(), "seq": r.u64(), "group": r.text(), "body": r.long(),
                     "proof": r.short()}
    mark = lambda: {"peer": r.text(), "outgoing": r.bool(), "seq": r.u64()}
    backup_mark = lambda: {"peer": r.text(), "outgoing": r.bool(), "seq": r.u64(), "held": r.u32()}
    waiting = lambda: {"items": r.u32(), "octets": r.u64()}
    backup_waiting = lambda: {"next": r.u32(), "entries": r.u32()}
    group = lambda: {"name": r.text(), "owner": r.text(), "members": r.list(friend)}
    if kind == "REPLY":
        req = r.u32()
        return kind, {"req": req, "error": r.long().decode() if r.u8() == 1 else None}
    if kind == "LOGIN-REPLY":
        return kind, {"req": r.u32(), "friends": r.list(friend), "requests": r.list(r.text), "mail": r.list(mail),
                      "backup": r.list(entry), "marks": r.list(backup_mark), "groups": r.list(group),
                      "invitations": r.list(lambda: (r.text(), r.text())), "mail-marks": r.list(mark),
                      "mail-waiting": waiting(), "backup-waiting": backup_waiting()}
    if kind == "MAIL-PAGE": return kind, {"waiting": waiting(), "mail": r.list(mail)}
    if kind == "BACKUP-PAGE": return kind, {"req": r.u32(), "waiting": backup_waiting(), "backup": r.list(entry)}
    if kind == "DEPOSIT-REFUSED": return kind, {"to": r.text(), "seq": r.u64(), "reason": r.long().decode()}
    # Both name the recipient and the seq of one of our deposits: taken, or deleted unopened (5.6).
    if kind in ("DEPOSIT-ACK", "MAIL-RETURNED"): return kind, {"to": r.text(), "seq": r.u64()}
    if kind == "FRIEND-ADDED": return kind, friend()
    if kind == "FRIEND-REQUEST-NOTICE": return kind, {"from": r.text()}
    if kind == "CHAT-ACK": return kind, {"up-to": r.u64()}
    if kind == "PONG": return kind, {"known": r.bool(), "news": r.u32()}
    if kind == "HELLO": return kind, {"endpoint": r.text(), "ack": r.u64(), "sent": r.u64(), "is-reply": r.bool()}
    if kind == "CHAT": return kind, {"seq": r.u64(), "body": r.long(), "proof": r.short()}
    return kind, {}


class Client:
    """One user's client: an inbox (CURVE server with its own keys, where replies and peers'
    messages arrive) and one DEALER connection per node it sends to (CURVE client)."""

    def __init__(self, ctx, name, registry_endpoint, registry_key):
        self.ctx, self.name = ctx, name
        self.public, self.secret = zmq.curve_keypair()
        self.inbox = ctx.socket(zmq.ROUTER)
        self.inbox.linger = 0
        self.inbox.curve_server = True
        self.inbox.curve_publickey, self.inbox.curve_secretkey = self.public, self.secret
        self.inbox.bind("tcp://127.0.0.1:*")
        self.endpoint = self.inbox.getsockopt(zmq.LAST_ENDPOINT).decode()
        self.links = {}
        self.registry = (registry_endpoint, registry_key)
        self.req = 0

    @property
    def key(self): return z85.decode(self.public)

    def send(self, endpoint, server_key_z85, data):
        link = self.links.get(endpoint)
        if link is None:
            link = self.ctx.socket(zmq.DEALER)
            link.linger = 0
            link.curve_publickey, link.curve_secretkey = self.public, self.secret
            link.curve_serverkey = server_key_z85
            link.connect(endpoint)
            self.links[endpoint] = link
        link.send(data)

    def to_registry(self, data): self.send(self.registry[0], self.registry[1], data)

    def receive(self, want, timeout=10.0, where=None):
        """The next message of kind `want` (and matching `where`) on any socket; others are skipped."""
        deadline = time.time() + timeout
        poller = zmq.Poller()
        for s in [self.inbox] + list(self.links.values()):
            poller.register(s, zmq.POLLIN)
        while time.time() < deadline:
            for s, _ in poller.poll(int(max(1, (deadline - time.time()) * 1000))):
                parts = s.recv_multipart()
                kind, fields = decode(parts[-1])
                if kind == want and (where is None or where(fields)):
                    return fields
        raise AssertionError(f"{self.name}: no {want} within {timeout}s")

    def request(self, make, want="REPLY", timeout=10.0):
        self.req += 1
        req = self.req
        self.to_registry(make(req))
        return self.receive(want, timeout, where=lambda f: f.get("req") == req)

    def register(self, password):
        reply = self.request(lambda req: register(req, self.name, password, self.endpoint, self.key))
        assert reply["error"] is None, reply

    def login(self, password, want_backup=False):
        """The LOGIN-REPLY, with the whole backup in "backup": the pages after the first are
        fetched (BACKUP-FETCH from the `next` of the page before, until no entries wait; 5.6)."""
        reply = self.request(lambda req: login(req, self.name, password, self.endpoint, self.key, want_backup),
                             want="LOGIN-REPLY")
        waiting = reply["backup-waiting"]
        while waiting["entries"] > 0:
            page = self.request(lambda req: backup_fetch(req, waiting["next"]), want="BACKUP-PAGE")
            reply["backup"] += page["backup"]
            waiting = page["waiting"]
        return reply
