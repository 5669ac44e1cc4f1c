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
# Wipes are left out until the open wipe bugs (docs/chaos.md, "Known bugs") are fixed.
echo "== chaos" && .build/debug/confchat chaos --seeds 300 --without wipe --out .build/chaos-failures || status=$?
exit $status
