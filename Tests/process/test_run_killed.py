"""`confchat run --data DIR` killed outright (SIGKILL) in the middle of a long scenario: every
database it leaves passes `PRAGMA integrity_check`, holds what the run log's applier had
applied by then (the checkpoint runs on a thread of its own while the run goes on), and the
rest is still in DIR/mutations.log (docs/architecture.md, "Storage").

Run: python3 Tests/process/test_run_killed.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import glob, os, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BINARY, run_tests


def test_a_killed_run_leaves_whole_databases_and_the_rest_in_the_log():
    folder = tempfile.mkdtemp(prefix="confchat-killed-run-")
    scenario = os.path.join(folder, "long.scenario")
    generated = subprocess.run([BINARY, "bench", "--scenario-statements", "10000"], capture_output=True, text=True,
                               timeout=60, check=True).stdout
    with open(scenario, "w") as f:
        # A long wait at the end, so that the run is still going when it is killed.
        f.write(generated + "wait 24h\n")
    data = os.path.join(folder, "data")
    log = os.path.join(data, "mutations.log")
    run = subprocess.Popen([BINARY, "run", scenario, "--data", data], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        # Past one hand-over (256 KiB) and some: the applier has had records to apply.
        deadline = time.time() + 120
        while time.time() < deadline and run.poll() is None and \
                (not os.path.exists(log) or os.path.getsize(log) < 600 << 10):
            time.sleep(0.05)
        assert run.poll() is None, f"the run ended before it was killed: {run.stderr.read()}"
        assert os.path.getsize(log) >= 600 << 10, "the run log never grew past 600 KiB"
        run.kill()
        run.wait(10)
    finally:
        if run.poll() is None:
            run.kill()
    databases = sorted(glob.glob(os.path.join(data, "peers", "*", "peer.sqlite")))
    assert len(databases) == 40, databases
    databases.append(os.path.join(data, "registry", "registry.sqlite"))
    messages = 0
    for path in databases:
        db = sqlite3.connect(path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",), path
            if path.endswith("peer.sqlite"):
                messages += db.execute("SELECT count(*) FROM messages").fetchone()[0]
        finally:
            db.close()
    assert messages > 0, "no message reached a database while the run went on"
    left = os.path.getsize(log) + (os.path.getsize(log + ".1") if os.path.exists(log + ".1") else 0)
    assert left > 0, "nothing was left in the log: the kill came after the end"


if __name__ == "__main__":
    run_tests(globals())
