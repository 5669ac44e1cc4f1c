"""Drives confchat processes (registry and peers) through pipes, as a user would."""
import os, queue, re, shutil, signal, subprocess, sys, tempfile, threading, time

import ccp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CONFCHAT", os.path.join(ROOT, ".build", "debug", "confchat"))


class Proc:
    """A child process whose stdout and stderr lines are collected as they come."""

    def __init__(self, args, cwd):
        self.args = args
        self.p = subprocess.Popen([BINARY] + args, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.seen = []
        self.err = []
        threading.Thread(target=self._read, args=(self.p.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self, stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))

    def _read_err(self):
        for line in self.p.stderr:
            self.err.append(line.rstrip("\n"))

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def expect(self, pattern, timeout=10.0):
        """Waits for a stdout line matching `pattern`; returns the match."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            self.seen.append(line)
            m = rx.search(line)
            if m:
                return m
        raise AssertionError(f"{self.args[:2]}: no line matching {pattern!r} within {timeout}s\n"
                             f"stdout so far: {self.seen}\nstderr: {self.err}")

    def command(self, line, pattern, timeout=10.0):
        self.send(line)
        return self.expect(pattern, timeout)

    def drain(self, seconds=0.5):
        """Collects whatever arrives in the next `seconds`."""
        got = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                got.append(self.lines.get(timeout=max(0.01, deadline - time.time())))
            except queue.Empty:
                break
        self.seen += got
        return got

    def logged(self, text, timeout=10.0):
        """True once a stderr line containing `text` has arrived (they are read by a thread of
        their own, so a line the process wrote may not be in `err` yet), False after `timeout`."""
        deadline = time.time() + timeout
        while not any(text in l for l in self.err):
            if time.time() > deadline:
                return False
            time.sleep(0.05)
        return True

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait(5)

    def quit(self):
        if self.p.poll() is None:
            try:
                self.send("quit")
                self.p.wait(5)
            except Exception:
                self.p.kill()

    def alive(self):
        return self.p.poll() is None


class Network:
    """A registry process and peer processes in one temporary folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="confchat-mp-")
        self.procs = []
        self.registry_endpoint = None

    def start_registry(self, bind="tcp://127.0.0.1:*", fast_hash=True, args=()):
        r = Proc(["registry", "--bind", bind, "--data", "reg"] + (["--fast-hash"] if fast_hash else []) + list(args), self.dir)
        self.procs.append(r)
        self.registry_endpoint = r.expect(r"registry listening on (\S+)").group(1)
        r.expect(r"public key")
        return r

    def start_peer(self, name, args=()):
        p = Proc(["peer", name, "--registry", self.registry_endpoint, "--registry-key-file", "reg/registry.pub",
                  "--data", name, "--fast-hash"] + list(args), self.dir)
        self.procs.append(p)
        p.endpoint = p.expect(r"listening on (\S+)").group(1)
        return p

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def close(self):
        for p in self.procs:
            if p.alive():
                p.p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def friends(net):
    """alice and bob registered, logged in and friends (passwords PASSWORDS)."""
    alice, bob = net.start_peer("alice"), net.start_peer("bob")
    alice.command("register alice-pass-9xq", r"registered alice")
    bob.command("register bob-pass-7zk", r"registered bob")
    alice.command("login alice-pass-9xq", r"logged in as alice")
    bob.command("login bob-pass-7zk", r"logged in as bob")
    alice.command("add-friend bob", r"friend request sent")
    bob.expect(r"friend request from alice")
    bob.command("accept alice", r"friends")
    alice.expect(r"bob is online")
    return alice, bob


def conversation(peer, other):
    """The texts `peer` holds from `other`, via the `messages` command."""
    peer.send(f"messages {other}")
    lines = [peer.expect(r"conversation with|no messages")]
    lines = peer.drain(1.0)
    # Each line: "  2026-12-01 14:03  bob: text" (the time the peer stored it), or without the time.
    rx = re.compile(r"^  (?:\d{4}-\d\d-\d\d \d\d:\d\d  )?" + re.escape(other) + r": (.*)$")
    return [m.group(1) for m in map(rx.match, lines) if m]


PASSWORDS = {"alice": "alice-pass-9xq", "bob": "bob-pass-7zk"}


class RawClient:
    """A conf-chat client written against docs/protocol.md with pyzmq, as an outside developer
    would: its own CURVE key pair, an inbox (a ROUTER, CURVE server) where the registry's
    answers arrive, and an outbox connection to the registry. It can misbehave on purpose."""

    def __init__(self, net, routing_id=None, keys=None, source=None):
        import zmq
        import zmq.utils.z85
        self.ctx = zmq.Context.instance()
        self.public, self.secret = keys or zmq.curve_keypair()
        self.inbox = self.ctx.socket(zmq.ROUTER)
        self.inbox.linger = 0
        self.inbox.curve_server = True
        self.inbox.curve_publickey, self.inbox.curve_secretkey = self.public, self.secret
        self.inbox.bind("tcp://127.0.0.1:*")
        self.endpoint = self.inbox.getsockopt(zmq.LAST_ENDPOINT).decode()
        self.outbox = self.ctx.socket(zmq.DEALER)
        self.outbox.linger = 0
        self.outbox.curve_publickey, self.outbox.curve_secretkey = self.public, self.secret
        self.outbox.curve_serverkey = open(net.path("reg", "registry.pub")).read().strip().encode()
        if routing_id is not None:
            self.outbox.routing_id = routing_id
        # `source`: the local address to connect from (libzmq's tcp://SOURCE:0;HOST:PORT).
        self.outbox.connect(net.registry_endpoint.replace("tcp://", f"tcp://{source}:0;") if source else net.registry_endpoint)
        self.key = zmq.utils.z85.decode(self.public)

    def send(self, frame):
        self.outbox.send(frame)

    def receive(self, timeout=5.0):
        """The next frame from the registry, or None after `timeout` seconds."""
        if self.inbox.poll(int(timeout * 1000)) == 0:
            return None
        parts = self.inbox.recv_multipart()
        return parts[-1]

    def until(self, kind, timeout=10.0):
        """Frames received until one of `kind` (a byte); returns (that frame, those before)."""
        before, deadline = [], time.time() + timeout
        while time.time() < deadline:
            f = self.receive(max(0.01, deadline - time.time()))
            if f is None:
                break
            if f[3] == kind:
                return f, before
            before.append(f)
        return None, before

    def close(self):
        self.inbox.close(0)
        self.outbox.close(0)


# The frames come from ccp.py, the client written from docs/protocol.md alone.
HEADER = ccp.PREFIX
REPLY, LOGIN_REPLY, DEPOSIT_ACK, PONG, DEPOSIT_REFUSED = (ccp.KINDS[k] for k in ("REPLY", "LOGIN-REPLY", "DEPOSIT-ACK", "PONG", "DEPOSIT-REFUSED"))
register_frame, login_frame, friend_request_frame, deposit_frame = ccp.register, ccp.login, ccp.friend_request, ccp.deposit
PING = ccp.frame("PING")


def reply_of(frame):
    """(req, error or None) of a REPLY frame."""
    kind, fields = ccp.decode(frame)
    assert kind == "REPLY", frame[:4]
    return fields["req"], fields["error"]


def run_tests(namespace):
    """Runs the test_* functions of a module (those named on the command line, or all) and exits."""
    only = sys.argv[1:]
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_") and (not only or k in only)]
    failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            print(f"PASS {t.__name__} ({time.time() - start:.1f}s)")
        except Exception as e:
            failed += 1
            print(f"FAIL {t.__name__}: {e}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
