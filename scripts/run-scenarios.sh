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
# 300 seeded runs of random faults, every fault kind (docs/chaos.md).
echo "== chaos" && .build/debug/confchat chaos --seeds 300 --out .build/chaos-failures || status=$?
exit $status
