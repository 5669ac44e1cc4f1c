#!/usr/bin/env python3
"""The registry's memory under reconnecting clients, measured (docs/performance.md, "The
registry's memory under retries").

Starts a `confchat registry --fast-hash` on 127.0.0.1 and N pyzmq clients (CURVE DEALERs, as a
peer's line to the registry). Each round stops the registry (SIGSTOP, standing in for an
overloaded machine), has every client close its connection and open a new one (a lazy pirate's
reconnect) and send M PINGs on it, lets the registry run again, and reads its VmRSS. Prints one
line a round, then the peak and the last.

With --bare N it measures a flood instead: N plain tcp connections that send a ZMTP greeting
and never a handshake (no key, no account), spread over --addresses loopback addresses, held open while
VmRSS is read; then how many the registry kept.

Run: python3 scripts/registry-memory.py [--clients 300] [--rounds 10] [--pings 2]
     [--stall 0.5] [--registry-arg=--max-connections=...] [--heap]
     python3 scripts/registry-memory.py --bare 5000 --addresses 4
     (CONFCHAT=path overrides the binary)
"""
import argparse, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
PING = bytes([0xC7, 0xA1, 0x01, 0x0A])
# A ZMTP 3.0 greeting asking for CURVE, and then nothing: the registry's libzmq waits for a
# HELLO that never comes, until its handshake time-out (30 s).
GREETING = b"\xff" + bytes(7) + b"\x01\x7f" + b"\x03\x00" + b"CURVE".ljust(20, b"\x00") + b"\x00" + bytes(31)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS")).split()[1])


def heap(pid):
    """Bytes malloc holds for the process (arena) and hands out (in use), from glibc's mallinfo2."""
    out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "p mallinfo2()"], capture_output=True, text=True).stdout
    f = dict(re.findall(r"(\w+) = (\d+)", out))
    if "uordblks" not in f:
        return "gdb could not read mallinfo2"
    mb = lambda k: int(f[k]) / 2**20
    return f"arena {mb('arena'):.1f} MB, in use {mb('uordblks'):.1f} MB, free in the arena {mb('fordblks'):.1f} MB, mmapped {mb('hblkhd'):.1f} MB"


def flood(reg, endpoint, a):
    """Opens `a.bare` connections that send a greeting and no more, reads VmRSS, and counts those still open."""
    host, port = endpoint[len("tcp://"):].rsplit(":", 1)
    start = rss_kb(reg.pid)
    socks = []
    for i in range(a.bare):
        s = socket.create_connection((host, int(port)), timeout=10, source_address=(f"127.0.0.{1 + i % a.addresses}", 0))
        s.sendall(GREETING)
        s.setblocking(False)
        socks.append(s)
    time.sleep(a.settle)
    held = rss_kb(reg.pid)
    kept = 0
    for s in socks:
        try:
            while s.recv(4096):
                pass
        except BlockingIOError:
            kept += 1
        except OSError:
            pass
    print(f"{a.bare} connections from {a.addresses} address(es): registry {start / 1024:.1f} MB before, "
          f"{held / 1024:.1f} MB holding them ({(held - start) / max(1, kept):.1f} KB each kept); {kept} kept, {a.bare - kept} closed")
    for s in socks:
        s.close()
    time.sleep(a.settle)
    print(f"after they close: {rss_kb(reg.pid) / 1024:.1f} MB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--pings", type=int, default=2)
    ap.add_argument("--stall", type=float, default=0.5, help="seconds the registry is stopped each round")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds it runs between rounds")
    ap.add_argument("--registry-arg", action="append", default=[])
    ap.add_argument("--bare", type=int, default=0, help="hold this many handshake-less tcp connections instead")
    ap.add_argument("--addresses", type=int, default=1, help="with --bare: from 127.0.0.1, 127.0.0.2, ...")
    ap.add_argument("--heap", action="store_true", help="also print glibc's count of bytes in use (gdb attaches to call mallinfo2)")
    a = ap.parse_args()
    binary = os.path.abspath(os.environ.get("CONFCHAT") or os.path.join(HERE, "..", ".build", "debug", "confchat"))
    folder = tempfile.mkdtemp(prefix="confchat-regmem-")
    reg = subprocess.Popen([binary, "registry", "--fast-hash", "--bind", "tcp://127.0.0.1:*", "--data", "reg"] + a.registry_arg,
                           cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        endpoint = re.search(r"listening on (\S+)", reg.stdout.readline()).group(1)
        reg.stdout.readline()
        server_key = open(os.path.join(folder, "reg", "registry.pub")).read().strip().encode()
        if a.bare:
            return flood(reg, endpoint, a)
        ctx = zmq.Context.instance()
        keys = [zmq.curve_keypair() for _ in range(a.clients)]

        def line(k):
            s = ctx.socket(zmq.DEALER)
            s.linger = 0
            s.curve_publickey, s.curve_secretkey = k
            s.curve_serverkey = server_key
            s.connect(endpoint)
            return s

        socks = [line(k) for k in keys]
        time.sleep(a.settle)
        start = peak = rss_kb(reg.pid)
        print(f"start: {start / 1024:.1f} MB, {a.clients} clients connected", flush=True)
        for r in range(a.rounds):
            os.kill(reg.pid, signal.SIGSTOP)
            for s in socks:
                s.close()
            socks = [line(k) for k in keys]
            for s in socks:
                for _ in range(a.pings):
                    s.send(PING, zmq.DONTWAIT)
            time.sleep(a.stall)
            os.kill(reg.pid, signal.SIGCONT)
            time.sleep(a.settle)
            now = rss_kb(reg.pid)
            peak = max(peak, now)
            print(f"round {r + 1}: {now / 1024:.1f} MB", flush=True)
        for s in socks:
            s.close()
        time.sleep(a.settle)
        end = rss_kb(reg.pid)
        if a.heap:
            print("heap:", heap(reg.pid))
            subprocess.run(["gdb", "-p", str(reg.pid), "-batch", "-ex", "call (int) malloc_trim(0)"], capture_output=True)
            print(f"after malloc_trim(0): {rss_kb(reg.pid) / 1024:.1f} MB;", heap(reg.pid))
        print(f"end: {end / 1024:.1f} MB (peak {peak / 1024:.1f} MB, {(end - start) / max(1, a.rounds * a.clients):.1f} KB a closed connection)")
        assert reg.poll() is None, "the registry died"
    finally:
        if reg.poll() is None:
            os.kill(reg.pid, signal.SIGCONT)
            reg.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
