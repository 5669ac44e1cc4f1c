"""`confchat run --hosts N`: processes on namespaced hosts, driven over an ipc control channel.

What needs no privileges runs everywhere: the ipc control channel (still with its token), and
the refusal of --hosts without CAP_NET_ADMIN/CAP_SYS_ADMIN (capsh drops them). What needs
namespaces (root and iproute2) is skipped, saying why, where the machine does not allow it:
the host cut-off scenario on three hosts, network conditions between hosts (through the
runner's proxy), and no namespace left after a run, even one interrupted with SIGTERM.

Run: python3 Tests/process/test_hosts.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, re, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BINARY, ROOT, Network, Proc, run_tests
from test_control_channel import ask

ERROR = "several hosts on one machine (network namespaces) need the capabilities CAP_NET_ADMIN and CAP_SYS_ADMIN"


def namespaces_skip_reason():
    """Why this machine cannot make network namespaces, or None when it can."""
    if os.geteuid() != 0:
        return "not root (run --hosts needs CAP_NET_ADMIN and CAP_SYS_ADMIN)"
    if not shutil.which("ip") and not os.path.exists("/usr/sbin/ip") and not os.path.exists("/sbin/ip"):
        return "no `ip` tool (iproute2; scripts/install-deps.sh installs it)"
    probe = f"confchat-probe-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"`ip netns add` is refused here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def namespaces_of(pid):
    """The namespaces a run with this pid made (confchat-PID-...)."""
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.startswith(f"confchat-{pid}-")]


def run_on_three_hosts(names, time_scale):
    """Runs scenarios/NAME.scenario for each name with --hosts 3; asserts that all pass and
    that the run left no namespace; returns its output (None, the reason printed, where the
    machine cannot make namespaces)."""
    reason = namespaces_skip_reason()
    if reason:
        print(f"  skipped: {reason}")
        return None
    files = [f"{ROOT}/scenarios/{name}.scenario" for name in names]
    run = subprocess.Popen([BINARY, "run", "--hosts", "3", "--time-scale", str(time_scale)] + files,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    assert f"{len(files)} passed, 0 failed" in out, out
    assert not namespaces_of(run.pid), namespaces_of(run.pid)
    return out


def test_control_channel_on_ipc_keeps_its_token():
    """--control-ipc binds control.ipc in the data directory (the file system crosses network
    namespaces); the token is still required."""
    net = Network()
    try:
        net.start_registry()
        p = Proc(["peer", "alice", "--registry", net.registry_endpoint, "--registry-key-file", "reg/registry.pub",
                  "--data", "alice", "--fast-hash", "--control", "--control-ipc"], net.dir)
        net.procs.append(p)
        p.expect(r"listening on")
        path = net.path("alice", "control")
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(path):
            time.sleep(0.05)
        endpoint, token = open(path).read().split()
        assert endpoint == "ipc://" + os.path.realpath(net.path("alice", "control.ipc")), endpoint
        assert ask(endpoint, ["0" * len(token), "register pw-a"]) == ("denied", "wrong token")
        assert ask(endpoint, [token, "register pw-a"]) == ("ok", "registered alice; now log in: login PASSWORD")
    finally:
        net.close()


def test_control_ipc_needs_control():
    out = subprocess.run([BINARY, "registry", "--control-ipc"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "--control-ipc needs --control" in out.stderr, out


def test_hosts_without_privileges_stops_at_once():
    """Without CAP_NET_ADMIN and CAP_SYS_ADMIN, --hosts exits 2 before it reads or starts anything."""
    if not shutil.which("capsh"):
        print("  skipped: no capsh to drop the capabilities with")
        return
    command = f"exec {BINARY} run --hosts 3 {ROOT}/scenarios/basics.scenario"
    out = subprocess.run(["capsh", "--drop=cap_net_admin,cap_sys_admin", "--", "-c", command],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out
    assert ERROR in out.stderr and "nothing was changed" in out.stderr, out.stderr
    assert "PASS" not in out.stdout, out.stdout


def test_host_cutoff_on_three_hosts():
    """One host cut off from the others for twice the presence time-out, then back: nothing
    acknowledged lost, nothing doubled, presence converges. With it, a sender that crashes
    behind a cut (its kernel must not deliver for it after the heal) and a plain partition.
    The run leaves no namespace."""
    # --time-scale 2, not 5: a loaded machine must still answer a request within its scaled time-out.
    out = run_on_three_hosts(("host-cutoff", "crash-restart", "partition"), time_scale=2)
    assert out is None or re.search(r"host 3 \(10\.77\.\d+\.3\): alice bob", out), out


def test_network_conditions_on_three_hosts():
    """`network` statements on hosts go through the runner's proxy, whose sockets for a node
    are in the node's host: in cut-link, alice and bob (on hosts of their own) see each other
    go offline only if the proxy loses what crosses between their hosts, while both still
    reach the registry. The run leaves no namespace."""
    out = run_on_three_hosts(("network", "network/cut-link", "network/link"), time_scale=5)
    assert out is None or re.search(r"host 2 \(10\.77\.\d+\.2\): alice; host 3 \(10\.77\.\d+\.3\): bob", out), out


def test_sigterm_removes_the_hosts():
    """A run over hosts stopped with SIGTERM in the middle of a scenario removes its namespaces
    and what ran in them."""
    reason = namespaces_skip_reason()
    if reason:
        print(f"  skipped: {reason}")
        return
    folder = tempfile.mkdtemp(prefix="confchat-hosts-")
    scenario = os.path.join(folder, "long.scenario")
    with open(scenario, "w") as f:
        f.write("peers alice bob\nalice register a\nwait 1h\n")
    run = subprocess.Popen([BINARY, "run", "--hosts", "3", scenario, "--data", os.path.join(folder, "data")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and len(namespaces_of(run.pid)) < 4:
            time.sleep(0.1)
        assert len(namespaces_of(run.pid)) == 4, namespaces_of(run.pid)  # the hub and three hosts
        time.sleep(2)  # the peers are up and alice has registered
        run.send_signal(signal.SIGTERM)
        run.wait(20)
        assert run.returncode == 128 + signal.SIGTERM, run.returncode
        assert not namespaces_of(run.pid), namespaces_of(run.pid)
    finally:
        if run.poll() is None:
            run.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
