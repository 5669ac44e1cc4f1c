#!/usr/bin/env bash
# The main job: build confchat and run every scenario in scenarios/ on inproc, ipc and tcp.
# Usage: scripts/run-scenarios.sh [extra confchat run options, e.g. --trace]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product confchat
status=0
for transport in inproc ipc tcp; do
  echo "== transport $transport"
  .build/debug/confchat run scenarios --transport "$transport" "$@" || status=$?
done
# Seeded runs of random faults, every fault kind, groups and wipes included (docs/chaos.md):
# 1,000 seeds of 6 peers and 120 steps in one process, and 30 long ones over real sockets.
echo "== chaos" && .build/debug/confchat chaos --seeds 1000 --peers 6 --steps 120 --out .build/chaos-failures || status=$?
# The same with a misbehaving network (latency, loss, duplication, per link too): 300 seeds.
echo "== chaos network" && .build/debug/confchat chaos --network --seeds 300 --peers 6 --steps 120 --out .build/chaos-failures || status=$?
echo "== chaos tcp" && .build/debug/confchat chaos --seeds 30 --peers 4 --steps 300 --transport tcp --out .build/chaos-failures || status=$?
exit $status
