"""Multi-process tests of what a standalone peer says when its CURVE handshake with the
registry fails (docs/deployment.md, "a peer that was given the wrong registry.pub"): a
connection cut during the handshake, once a handshake has succeeded, is not blamed on the key;
a registry that refuses the key is named with its status. A real `confchat registry` and
`confchat peer`, with a tcp relay of the test's own between them that can cut what it carries.

Run: python3 Tests/process/test_handshake_log.py  (after swift build; CONFCHAT=path overrides the binary)
"""
import os, select, socket, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Network, run_tests


class Relay:
    """A tcp relay to `target` (host, port) on a port of its own. `cut()` closes every
    connection it carries and from then on closes each new one as soon as it accepts it, as a
    proxy or a partition that cuts a link does: a client's reconnect gets a connection that
    ends before its handshake can finish."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.endpoint = f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.links = []
        self.cutting = False
        self.stopped = False
        threading.Thread(target=self._run, daemon=True).start()

    def cut(self):
        self.cutting = True

    def _run(self):
        while not self.stopped:
            sockets = [self.listener] + [s for pair in self.links for s in pair]
            readable, _, _ = select.select(sockets, [], [], 0.05)
            if self.cutting:
                for a, b in self.links:
                    a.close()
                    b.close()
                self.links = []
            for s in readable:
                if s is self.listener:
                    down, _ = self.listener.accept()
                    if self.cutting:
                        down.close()
                    else:
                        self.links.append((down, socket.create_connection(self.target)))
                elif not self.cutting:
                    self._forward(s)

    def _forward(self, s):
        for pair in self.links:
            if s in pair:
                other = pair[1] if s is pair[0] else pair[0]
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if data:
                    other.sendall(data)
                else:
                    pair[0].close()
                    pair[1].close()
                    self.links.remove(pair)
                return

    def close(self):
        self.stopped = True
        time.sleep(0.1)
        self.listener.close()


def test_a_cut_after_a_good_handshake_is_not_blamed_on_the_key():
    """When a proxy or a partition cut the peer's connection to the registry during a new
    handshake, the peer logged "the CURVE handshake with the registry ... failed: it does not
    hold the key this peer was given for it", though the same key had just worked. libzmq
    reports a cut and a wrong key the same way to the connecting side; the peer now says what it
    knows: the handshake succeeded before, so the network cut it."""
    net = Network()
    relay = None
    try:
        net.start_registry()
        host, port = net.registry_endpoint.replace("tcp://", "").rsplit(":", 1)
        relay = Relay((host, int(port)))
        net.registry_endpoint = relay.endpoint
        carol = net.start_peer("carol")
        carol.command("register carol-pw-4k", r"registered carol")
        carol.command("login carol-pw-4k", r"logged in as carol")
        relay.cut()
        assert carol.logged("during the CURVE handshake"), f"no word of the cut handshake: {carol.err}"
        said = lambda: [l for l in carol.err if "during the CURVE handshake" in l]
        assert (f"carol: the connection to the registry at {relay.endpoint} ended during the CURVE handshake") in said()[0], said()
        assert "a handshake with it succeeded before, so the key is not the cause" in said()[0], said()
        assert not any("does not hold the key" in l for l in carol.err), carol.err
        # A request that meets no answer says the same.
        carol.command("add-friend dave", r"did not answer within 2000ms: the connection to .* ends during the CURVE handshake, "
                      r"which succeeded before: the network or something on the way cuts it", timeout=10)
        assert carol.alive()
    finally:
        if relay:
            relay.close()
        net.close()


def test_a_registry_that_refuses_the_key_is_named_with_its_status():
    """A server that refuses the peer's key (its ZAP handler answers 400) was reported as one
    that "does not hold the key" the peer was given; the peer now says it refused the key."""
    import zmq
    from zmq.auth.thread import ThreadAuthenticator
    net = Network()
    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    server = None
    try:
        auth.start()
        auth.configure_curve(domain="*", location=tempfile.mkdtemp())  # no key is allowed
        public, secret = zmq.curve_keypair()
        server = ctx.socket(zmq.ROUTER)
        server.linger = 0
        server.curve_server = True
        server.curve_publickey, server.curve_secretkey = public, secret
        port = server.bind_to_random_port("tcp://127.0.0.1")
        os.makedirs(net.path("reg"))
        open(net.path("reg", "registry.pub"), "w").write(public.decode() + "\n")
        net.registry_endpoint = f"tcp://127.0.0.1:{port}"
        dave = net.start_peer("dave")
        dave.command("register dave-pw-8q", r"did not answer within 2000ms: the registry at tcp://127.0.0.1:\d+ "
                     r"refused this peer's key in the CURVE handshake \(ZAP status 400\)", timeout=10)
        assert dave.logged(f"dave: the registry at tcp://127.0.0.1:{port} refused this peer's key in the CURVE handshake (ZAP status 400)"), dave.err
    finally:
        if server is not None:
            server.close(0)
        auth.stop()
        ctx.term()
        net.close()


if __name__ == "__main__":
    run_tests(globals())
