"""Drives confchat processes (registry and peers) through pipes, as a user would."""
import os, queue, re, shutil, signal, subprocess, tempfile, threading, time

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

    def start_registry(self, bind="tcp://127.0.0.1:*"):
        r = Proc(["registry", "--bind", bind, "--data", "reg", "--fast-hash"], self.dir)
        self.procs.append(r)
        self.registry_endpoint = r.expect(r"registry listening on (\S+)").group(1)
        r.expect(r"public key")
        return r

    def start_peer(self, name):
        p = Proc(["peer", name, "--registry", self.registry_endpoint, "--registry-key-file", "reg/registry.pub",
                  "--data", name, "--fast-hash"], self.dir)
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
