"""Multi-process tests: a registry and peers as separate processes over tcp (CURVE).

Run: python3 Tests/process/test_multiprocess.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, socket, sys, time

sys.path.insert(0, os.path.dirname(__file__))
import ccp
from harness import PASSWORDS, Network, Proc, conversation, friends, run_tests


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


def run_cli(args, cwd, stdin="", timeout=30):
    """Runs confchat to the end; returns (status, stdout, stderr)."""
    import subprocess
    from harness import BINARY
    p = subprocess.run([BINARY] + args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def peer_args(net, name, *more):
    return ["peer", name, "--registry", net.registry_endpoint, "--registry-key-file", "reg/registry.pub", "--fast-hash", *more]


def test_piped_peer_exits_at_end_of_input():
    """Issue 11 #3: with piped input the peer exits at the end of it (it used to spin for ever)."""
    net = Network()
    try:
        net.start_registry()
        status, out, err = run_cli(peer_args(net, "carol", "--data", "carol"), net.dir, stdin="register pw\nstatus\n")
        assert status == 0, (status, out, err)
        assert "registered carol" in out and "carol: logged out" in out, out
    finally:
        net.close()


def test_piped_send_reaches_its_friend_before_exit():
    """At the end of piped input the peer waits for its friend to confirm what it sent."""
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        alice.quit()
        status, out, err = run_cli(peer_args(net, "alice", "--data", "alice"), net.dir,
                                   stdin='login alice-pass-9xq\nsend bob "from a pipe"\n')
        assert status == 0 and "sent to bob" in out, (status, out, err)
        bob.expect(r"alice: from a pipe", timeout=1)
    finally:
        net.close()


def test_second_process_on_a_data_directory_is_refused():
    """Issue 11 #8: one data directory serves one process; the second is told who holds it."""
    net = Network()
    try:
        net.start_registry()
        bob = net.start_peer("bob")
        status, out, err = run_cli(peer_args(net, "bob", "--data", "bob"), net.dir, stdin="status\n")
        assert status == 1, (status, out, err)
        assert f"error: data directory bob is in use by another confchat process (pid {bob.p.pid})" in err, err
        assert bob.alive()
        bob.command("status", r"bob: logged out")
    finally:
        net.close()


def test_data_directory_is_bound_to_its_user():
    """Issue 11 #10: alice's data directory is refused to carol, and a peer's to the registry."""
    net = Network()
    try:
        net.start_registry()
        alice = net.start_peer("alice")
        alice.command("register alice-pass-9xq", r"registered alice")
        alice.quit()
        status, out, err = run_cli(peer_args(net, "carol", "--data", "alice"), net.dir, stdin="status\n")
        assert status == 1, (status, out, err)
        assert "error: data directory alice holds the data of peer alice, not of peer carol" in err, err
        status, out, err = run_cli(["registry", "--data", "alice", "--bind", "tcp://127.0.0.1:*"], net.dir, timeout=10)
        assert status == 1, (status, out, err)
        assert "error: data directory alice holds the data of peer alice, not of a registry" in err, err
    finally:
        net.close()


def test_data_files_are_private():
    """Issue 11 #11: data directories are 0700 and their files 0600 (the registry's public key excepted)."""
    import stat
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        alice.command('send bob "private words"', r"sent to bob")
        bob.expect(r"alice: private words")
        checked = 0
        for root, dirs, files in os.walk(net.dir):
            if root != net.dir:
                assert stat.S_IMODE(os.stat(root).st_mode) == 0o700, f"{root} is {oct(os.stat(root).st_mode)}"
            for f in files:
                if f == "registry.pub":
                    continue
                mode = stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode)
                assert mode == 0o600, f"{root}/{f} is {oct(mode)}"
                checked += 1
        assert checked >= 8, checked
    finally:
        net.close()


def test_long_password_is_refused_with_the_reason():
    """Issue 11 #9: a password over the wire's limit is refused at once, saying so (not "did not answer")."""
    net = Network()
    try:
        net.start_registry()
        carol = net.start_peer("carol")
        carol.command("register " + "p" * 1500, r"^error: ")
        assert carol.seen[-1] == "error: the password is 1500 bytes, over the limit of 1024", carol.seen[-1]
        carol.command("register " + "p" * 1024, r"registered carol")
    finally:
        net.close()


def test_invisible_characters_are_escaped():
    """Issue 11 #12: bidi overrides and zero-width characters in a message show as escapes."""
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        alice.command("send bob pay \u202eevil\u202c now\u200b!\u2066x\u2069 \x1b[31mred", r"sent to bob")
        line = bob.expect(r"\[event\] alice: pay").string
        assert line == "[event] alice: pay \\u{202e}evil\\u{202c} now\\u{200b}!\\u{2066}x\\u{2069} \\u{1b}[31mred", repr(line)
        bob.send("messages alice")
        bob.expect(r"conversation with alice")
        shown = bob.expect(r"  alice: pay").string
        assert "\u202e" not in shown and "\\u{202e}" in shown, repr(shown)
    finally:
        net.close()


def test_run_data_keeps_what_it_did_not_make():
    """Issue 11 #2: `run --data` on a standalone node's data deletes nothing and says why."""
    net = Network()
    try:
        reg = Proc(["registry", "--bind", "tcp://127.0.0.1:*", "--data", "confchat-data/registry", "--fast-hash"], net.dir)
        net.procs.append(reg)
        reg.expect(r"public key")
        reg.p.terminate()
        reg.p.wait(5)
        with open(net.path("one.scenario"), "w") as f:
            f.write("peers alice\nalice register pw\n")
        key = net.path("confchat-data", "registry", "curve.key")
        before = open(key).read()
        status, out, err = run_cli(["run", "one.scenario", "--data", "confchat-data"], net.dir)
        assert status != 0, (status, out, err)
        assert "confchat-data/registry was not made by confchat run" in out + err, (out, err)
        assert open(key).read() == before
        # A folder a run made is cleared by the next run; a file put there stops it.
        for _ in range(2):
            status, out, err = run_cli(["run", "one.scenario", "--data", "runs"], net.dir)
            assert status == 0, (status, out, err)
        open(net.path("runs", "peers", "alice", "notes.txt"), "w").write("mine")
        status, out, err = run_cli(["run", "one.scenario", "--data", "runs"], net.dir)
        assert status != 0 and "runs/peers/alice/notes.txt was not made by confchat run" in out + err, (out, err)
        assert os.path.exists(net.path("runs", "peers", "alice", "notes.txt"))
    finally:
        net.close()


def test_history_keeps_its_order_after_a_restart():
    """Issue 11 #7: `messages NAME` after a restart shows the history in the order it happened,
    each message with the time it was stored."""
    import re
    net = Network()
    try:
        net.start_registry()
        alice, bob = friends(net)
        bob.command('send alice "first, from bob"', r"sent to alice")
        alice.expect(r"bob: first, from bob")
        bob.command('send alice "second, from bob"', r"sent to alice")
        alice.expect(r"bob: second, from bob")
        alice.command('send bob "third, from alice"', r"sent to bob")
        bob.expect(r"alice: third, from alice")
        alice.quit()
        alice = net.start_peer("alice")
        alice.command("login alice-pass-9xq", r"logged in as alice")
        alice.send("messages bob")
        alice.expect(r"conversation with bob \(3 messages\)")
        shown = [alice.expect(r"^  ").string.split("   (")[0] for _ in range(3)]
        # Each with the time it was stored, local time to the minute.
        stamp = r"^  \d{4}-\d\d-\d\d \d\d:\d\d  "
        assert all(re.match(stamp, l) for l in shown), shown
        texts = [re.sub(stamp, "", l) for l in shown]
        assert texts == ["bob: first, from bob", "bob: second, from bob", "alice: third, from alice"], shown
    finally:
        net.close()


def test_registry_logs_what_it_does():
    """The registry logs each request and its answer, with a UTC timestamp and a level."""
    import re
    net = Network()
    try:
        reg = net.start_registry()
        alice, bob = friends(net)
        carol = net.start_peer("carol")
        carol.command("login wrong-password", r"^error: ")
        time.sleep(0.5)
        stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
        lines = reg.err
        for pattern in [stamp + r"INFO  registry: serving on tcp://",
                        stamp + r"INFO  registry: connection from 127\.0\.0\.1 with key [0-9a-f]{16}\.\.\.$",
                        stamp + r"INFO  registry: REGISTER alice at tcp://\S+$",
                        stamp + r"INFO  registry: answer to alice: ok$",
                        stamp + r"INFO  registry: LOGIN bob at tcp://\S+$",
                        stamp + r"INFO  registry: answer to bob: logged in$",
                        stamp + r"INFO  registry: FRIEND-REQUEST alice -> bob$",
                        stamp + r"INFO  registry: LOGIN carol at tcp://\S+$",
                        stamp + r"INFO  registry: answer to carol: refused: "]:
            assert any(re.search(pattern, l) for l in lines), (pattern, lines)
    finally:
        net.close()


def test_read_only_data_directory_is_named():
    """A data directory the node cannot write is named as such (it printed SQLite's SQL)."""
    import shutil, subprocess, tempfile
    from harness import BINARY
    ro = tempfile.mkdtemp(prefix="confchat-ro-")
    try:
        os.chmod(ro, 0o555)
        args = [BINARY, "registry", "--data", ro, "--bind", "tcp://127.0.0.1:*"]
        if os.geteuid() == 0:
            # root writes anywhere: run as nobody, for whom the directory is read-only
            os.chmod(ro, 0o755)
            args = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + args
        p = subprocess.run(args, capture_output=True, text=True, timeout=15, cwd="/")
        assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
        assert p.stderr == f"error: data directory {ro} is not writable (read-only, or owned by another user): the node must write its database there\n", p.stderr
    finally:
        os.chmod(ro, 0o755)
        shutil.rmtree(ro, ignore_errors=True)


def test_unanswered_registry_says_why():
    """A wrong registry.pub is named (the CURVE handshake fails); a registry not running is suspected."""
    import zmq
    net = Network()
    try:
        net.start_registry()
        open(net.path("other.pub"), "w").write(zmq.curve_keypair()[0].decode() + "\n")
        status, out, err = run_cli(["peer", "carol", "--registry", net.registry_endpoint, "--registry-key-file", "other.pub",
                                    "--data", "carol", "--fast-hash"], net.dir, stdin="register pw\n")
        assert status == 0, (status, out, err)
        assert (f"error: the registry did not answer within 2000ms: the CURVE handshake with {net.registry_endpoint} never finishes "
                "(the connection ends during it): the registry there is not the one whose key was given (--registry-key-file)") in out, out
        assert (f"carol: the connection to the registry at {net.registry_endpoint} ended during the CURVE handshake "
                "(Broken pipe) and none has succeeded yet: either it does not hold the key this peer was given for it") in err, err
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        free = f"tcp://127.0.0.1:{s.getsockname()[1]}"
        s.close()
        status, out, err = run_cli(["peer", "dave", "--registry", free, "--registry-key-file", "reg/registry.pub",
                                    "--data", "dave", "--fast-hash"], net.dir, stdin="register pw\n")
        assert f"error: the registry did not answer within 2000ms (is a registry running at {free}?)" in out, out
        # --time-scale runs the protocol's timers faster, not the registry: a command still waits
        # 2 s of real time for it (10,000 ms on a clock 5 times faster).
        status, out, err = run_cli(["peer", "dave", "--registry", free, "--registry-key-file", "reg/registry.pub",
                                    "--data", "dave", "--fast-hash", "--time-scale", "5"], net.dir, stdin="register pw\n")
        assert f"error: the registry did not answer within 10000ms (is a registry running at {free}?)" in out, out
    finally:
        net.close()


def test_time_scale_leaves_registry_requests_on_real_time():
    """--time-scale K runs a peer's timers K times faster, but not its requests to the registry: a
    registry that never answers gets a command's REGISTER every 100 ms of real time, 20 copies in
    its 2 s (protocol.md 5.1: nothing has shown the registry is behind, so the waits stay at
    100 ms), as at --time-scale 1, not K times as often (100)."""
    import tempfile, shutil, threading, zmq
    folder = tempfile.mkdtemp(prefix="confchat-mp-")
    ctx = zmq.Context()
    try:
        public, secret = zmq.curve_keypair()
        open(os.path.join(folder, "silent.pub"), "w").write(public.decode() + "\n")
        silent = ctx.socket(zmq.ROUTER)    # a registry that takes every request and answers none
        silent.linger = 0
        silent.curve_server = True
        silent.curve_publickey, silent.curve_secretkey = public, secret
        silent.bind("tcp://127.0.0.1:*")
        endpoint = silent.getsockopt(zmq.LAST_ENDPOINT).decode()
        copies, times, done = [], [], threading.Event()
        def count():
            while not done.is_set():
                if silent.poll(100):
                    kind, _ = ccp.decode(silent.recv_multipart()[-1])
                    copies.append(kind)
                    times.append(time.monotonic())
        counter = threading.Thread(target=count)
        counter.start()
        status, out, err = run_cli(["peer", "erin", "--registry", endpoint, "--registry-key-file", "silent.pub",
                                    "--data", "erin", "--fast-hash", "--time-scale", "5"], folder, stdin="register pw\n")
        done.set()
        counter.join()
        assert "error: the registry did not answer within 10000ms" in out, out
        registers = copies.count("REGISTER")
        # 20 (fewer if the last are still on its way, or a loaded machine woke the peer late):
        # the first and one every 100 ms of real time, within 2 s. K times as often would be
        # 100. A peer whose poll waited its timers' scaled milliseconds as real ones (K = 5)
        # sent every 0.5 s, so that nothing but arriving input woke it in time: 4 copies over
        # 1.5 s and more, where these spread over 1.9 s (the bound leaves room for load).
        assert 12 <= registers <= 21, copies
        assert times[-1] - times[0] < 5.0, [round(t - times[0], 2) for t in times]
    finally:
        ctx.destroy(0)
        shutil.rmtree(folder, ignore_errors=True)


def test_startup_errors_say_what_is_wrong():
    """Unclear errors of issue 11: each bad path or endpoint is named at start, in one line."""
    net = Network()
    try:
        net.start_registry()
        open(net.path("afile"), "w").write("x")
        cases = [
            (peer_args(net, "carol", "--data", "afile"),
             "error: data directory afile is a file, not a directory"),
            (peer_args(net, "carol", "--data", "afile/sub"),
             "error: cannot create afile/sub: "),
            (["peer", "carol", "--registry", "foo://bar", "--registry-key-file", "reg/registry.pub"],
             "error: --registry 'foo://bar' is not an endpoint: 'foo' is not a transport here; use tcp://HOST:PORT or ipc://PATH"),
            (["peer", "carol", "--registry", "tcp://127.0.0.1:99999", "--registry-key-file", "reg/registry.pub"],
             "error: --registry 'tcp://127.0.0.1:99999': the port '99999' is not a number from 1 to 65535"),
            (["peer", "carol", "--registry", net.registry_endpoint, "--registry-key-file", "/nope"],
             "error: /nope does not exist (the registry writes its key to registry.pub in its data directory)"),
            (["peer", "carol", "--registry", net.registry_endpoint, "--registry-key-file", "afile"],
             "error: afile is not a registry public key file"),
            (["registry", "--data", "afile"], "error: data directory afile is a file, not a directory"),
            (["registry", "--bind", "tcp://127.0.0.1"], "error: --bind 'tcp://127.0.0.1' has no host and port"),
        ]
        for args, expected in cases:
            status, out, err = run_cli(args, net.dir, stdin="status\n", timeout=15)
            assert status == 1, (args, status, out, err)
            assert err.startswith(expected), (args, err)
            assert "NSCocoaErrorDomain" not in err and len(err.splitlines()) == 1, (args, err)
    finally:
        net.close()


def test_careless_start_arguments_are_named():
    """A name too long or reserved, an empty --data, a port in use or a host that is not
    this machine's: each said at start in one line with what to do, not libzmq's bare words."""
    net = Network()
    try:
        net.start_registry()
        port = net.registry_endpoint
        cases = [
            (peer_args(net, "a" * 40),
             "error: '" + "a" * 40 + "' is not a valid peer name (a lowercase letter, then up to 31 lowercase letters"),
            (peer_args(net, "registry"), "error: 'registry' is the registry's own name; a user needs another"),
            (peer_args(net, "carol", "--data", ""), "error: --data is empty (give a directory, or a path to create one)"),
            (["registry", "--data", ""], "error: --data is empty (give a directory, or a path to create one)"),
            (["registry", "--bind", port, "--data", "reg2"],
             "error: zmq_bind(" + port + "): Address already in use (errno 98): another process listens there"),
            (["registry", "--bind", "tcp://nosuchhost.invalid:5555", "--data", "reg3"],
             "error: zmq_bind(tcp://nosuchhost.invalid:5555): No such device (errno 19): HOST is not an address of this machine"),
        ]
        for args, expected in cases:
            status, out, err = run_cli(args, net.dir, stdin="status\n", timeout=15)
            assert status == 1, (args, status, out, err)
            assert err.startswith(expected), (args, err)
            assert len(err.splitlines()) == 1, (args, err)
    finally:
        net.close()


if __name__ == "__main__":
    run_tests(globals())
