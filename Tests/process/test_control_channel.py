"""The control channel of standalone nodes (`--control`) and `confchat run --processes`:
off by default, refused without the right token, and no process outliving its run.

Run: python3 Tests/process/test_control_channel.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import json, os, signal, stat, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BINARY, ROOT, Network, Proc, run_tests

import zmq


def control_peer(net, name, extra=()):
    """A peer started with --control; returns (process, endpoint, token)."""
    p = Proc(["peer", name, "--registry", net.registry_endpoint, "--registry-key-file", "reg/registry.pub",
              "--data", name, "--fast-hash", "--control"] + list(extra), net.dir)
    net.procs.append(p)
    p.expect(r"listening on")
    path = net.path(name, "control")
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(path):
        time.sleep(0.05)
    endpoint, token = open(path).read().split()
    return p, path, endpoint, token


def ask(endpoint, frames, timeout=5.0):
    s = zmq.Context.instance().socket(zmq.REQ)
    s.linger = 0
    s.connect(endpoint)
    try:
        s.send_multipart([f.encode() for f in frames])
        assert s.poll(int(timeout * 1000)), f"no answer to {frames[1:]} from {endpoint}"
        status, text = s.recv_multipart()
        return status.decode(), text.decode()
    finally:
        s.close()


def test_control_channel_is_off_by_default():
    """A peer and a registry started as users start them open no control channel."""
    net = Network()
    try:
        net.start_registry()
        net.start_peer("alice")
        assert not os.path.exists(net.path("alice", "control")), os.listdir(net.path("alice"))
        assert not os.path.exists(net.path("reg", "control")), os.listdir(net.path("reg"))
    finally:
        net.close()


def test_wrong_token_is_refused_and_the_right_one_drives_the_peer():
    net = Network()
    try:
        net.start_registry()
        p, path, endpoint, token = control_peer(net, "alice")
        assert endpoint.startswith("tcp://127.0.0.1:"), endpoint
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
        assert ask(endpoint, ["0" * len(token), "register pw-a"]) == ("denied", "wrong token")
        assert ask(endpoint, ["register pw-a"])[0] == "error"  # no token frame at all
        assert any("refused a request: wrong token" in line for line in p.err), p.err
        # The denied request did nothing: with the token, register works for the first time.
        assert ask(endpoint, [token, "register pw-a"]) == ("ok", "registered alice; now log in: login PASSWORD")
        status, text = ask(endpoint, [token, "login wrong"])
        assert status == "refused" and "wrong password" in text, (status, text)
        assert ask(endpoint, [token, "login pw-a"]) == ("ok", "logged in as alice")
        status, text = ask(endpoint, [token, "view"])
        assert status == "ok", text
        view = json.loads(text)
        assert view["loggedIn"] is True and view["friends"] == {} and view["requests"] == [], view
    finally:
        net.close()


def test_peer_ends_with_its_runner_pipe():
    """In --control mode the node lives as long as its stdin: closing it ends the process."""
    net = Network()
    try:
        net.start_registry()
        p, path, _, _ = control_peer(net, "alice")
        p.p.stdin.close()
        p.p.wait(10)
        assert not os.path.exists(path), "the control file outlived the peer"
    finally:
        net.close()


def node_pids(folder):
    """Pids of confchat processes whose command line names `folder`."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if folder in cmd and ("\0peer\0" in cmd or "\0registry\0" in cmd):
            pids.append(int(pid))
    return pids


def wait_gone(folder, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline and node_pids(folder):
        time.sleep(0.1)
    return node_pids(folder)


def test_no_process_outlives_a_killed_run():
    """SIGKILL to `confchat run --processes` in the middle of a scenario: its registry and
    peers end too (their stdin pipes reach their end), whatever the runner could not do."""
    folder = tempfile.mkdtemp(prefix="confchat-orphans-")
    scenario = os.path.join(folder, "long.scenario")
    with open(scenario, "w") as f:
        f.write("peers alice bob\nalice register a\nwait 1h\n")
    data = os.path.join(folder, "data")
    # SIGINT at its default in the runner, as at a terminal: a shell's background job (how CI
    # or a script may start this suite) passes it on ignored, and the interrupt would not come.
    run = subprocess.Popen([BINARY, "run", "--processes", scenario, "--data", data], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 20
        while time.time() < deadline and len(node_pids(data)) < 3:
            time.sleep(0.1)
        assert len(node_pids(data)) == 3, f"expected a registry and two peers, found {node_pids(data)}"
        time.sleep(0.5)
        run.kill()
        run.wait(5)
        left = wait_gone(data)
        assert not left, f"processes outlived the run: {left}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in node_pids(data):
            os.kill(pid, signal.SIGKILL)


def test_a_failing_run_leaves_no_process():
    """A scenario that fails (and one interrupted with SIGINT) stops its processes on its way out."""
    folder = tempfile.mkdtemp(prefix="confchat-fail-")
    scenario = os.path.join(folder, "fails.scenario")
    with open(scenario, "w") as f:
        f.write("peers alice\nalice register a\nexpect alice logged-in within 1s\n")
    data = os.path.join(folder, "data")
    out = subprocess.run([BINARY, "run", "--processes", "--time-scale", "5", scenario, "--data", data],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out
    assert "alice is logged out" in out.stdout, out.stdout
    assert not wait_gone(data, 2.0), node_pids(data)
    with open(scenario, "w") as f:
        f.write("peers alice\nwait 1h\n")
    # SIGINT at its default in the runner, as at a terminal: a shell's background job (how CI
    # or a script may start this suite) passes it on ignored, and the interrupt would not come.
    run = subprocess.Popen([BINARY, "run", "--processes", scenario, "--data", data], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 20
    while time.time() < deadline and len(node_pids(data)) < 2:
        time.sleep(0.1)
    run.send_signal(signal.SIGINT)
    run.wait(10)
    assert not wait_gone(data), node_pids(data)


def test_processes_carry_out_partition_and_skip_simulator_only_files():
    """partition and heal act between processes (the runner's proxy); a marked file is skipped, with its reason."""
    folder = tempfile.mkdtemp(prefix="confchat-part-")
    scenario = os.path.join(folder, "p.scenario")
    with open(scenario, "w") as f:
        f.write("peers alice bob\npresence-timeout 2s\nalice register a\nbob register b\nalice login a\nbob login b\n"
                "alice add-friend bob\nbob accept alice\nexpect alice sees bob online within 5s\n"
                "partition alice | bob\nexpect alice sees bob offline within 10s\nalice send bob \"across\"\n"
                "heal\nexpect bob received alice \"across\" within 10s\n")
    marked = os.path.join(folder, "m.scenario")
    with open(marked, "w") as f:
        f.write("# simulator-only: needs the exact clock\npeers alice\n")
    out = subprocess.run([BINARY, "run", "--processes", "--time-scale", "5", "--data", os.path.join(folder, "data"),
                          scenario, marked], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out
    assert f"PASS {scenario}" in out.stdout, out.stdout
    assert f"SKIP {marked}  (simulator-only: needs the exact clock)" in out.stdout, out.stdout
    assert "1 passed, 0 failed, 1 skipped (simulator-only)" in out.stdout, out.stdout
    proxy_log = open(os.path.join(folder, "data", "p", "processes", "logs", "proxy.log")).read()
    assert "closed alice -> bob: partition" in proxy_log or "closed bob -> alice: partition" in proxy_log, proxy_log


if __name__ == "__main__":
    run_tests(globals())
