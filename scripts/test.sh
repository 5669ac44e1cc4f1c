#!/usr/bin/env bash
# The test suite: unit, codec, parser, state machine and end-to-end tests on every transport,
# then the multi-process tests (a registry and peers as separate processes over tcp), scenarios
# on processes (run --processes) and the prompt on a terminal (tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
swift build --build-tests
swift test --skip-build
# pyzmq is the independent ZeroMQ client the process tests use; PyNaCl gives it libsodium's
# primitives (backup keys and proofs, computed from the docs alone).
python3 -c 'import zmq' 2>/dev/null || python3 -m pip install --quiet pyzmq
python3 -c 'import nacl' 2>/dev/null || python3 -m pip install --quiet pynacl
python3 Tests/process/test_multiprocess.py
# The control channel (off by default, token), and runs on processes that leave none behind.
python3 Tests/process/test_control_channel.py
# `confchat run --data` killed outright: whole databases, the rest in the run log.
python3 Tests/process/test_run_killed.py
# The same scenarios on real processes: registry and peers as processes of their own (tcp, CURVE),
# partitions and network conditions carried out by the runner's proxy between them. The two
# lossy files drop half of the registry's traffic or a third of everything: retries must
# still answer every command within its 2 s.
.build/debug/confchat run --processes --time-scale 5 scenarios/basics.scenario scenarios/presence.scenario \
    scenarios/refusals.scenario scenarios/registry-down.scenario scenarios/partition.scenario \
    scenarios/groups/group-partition.scenario scenarios/groups/group-send-then-crash.scenario \
    scenarios/network.scenario scenarios/network/link.scenario \
    scenarios/network/loss.scenario scenarios/network/lossy-registry.scenario
# The same on several hosts (network namespaces): the host cut-off test, network conditions
# between hosts, the ipc control channel, the refusal without privileges, no namespace left
# behind; what needs root is
# skipped, with the reason printed, where the machine does not allow it.
python3 Tests/process/test_hosts.py
# Clients written from the docs alone, misbehaving towards the registry ...
python3 Tests/process/test_registry_abuse.py
# ... and holding what they can make it hold: connections, frames (protocol.md 7).
python3 Tests/process/test_registry_limits.py
# ... and as a friend would (ccp.py).
python3 Tests/process/test_hostile_peer.py
# The same client reads a real backup.
python3 Tests/process/test_backup_format.py
# What a peer's inbox lets strangers make it hold (protocol.md 7: peer connections).
python3 Tests/process/test_peer_limits.py
# What a peer says when its CURVE handshake with the registry fails: a cut, a refused key.
python3 Tests/process/test_handshake_log.py
# The prompt on a real terminal, driven through tmux.
CONFCHAT=.build/debug/confchat scripts/tmux-prompt-test.sh
