#!/usr/bin/env bash
# Counts, by callgrind, the instructions of the light load's window alone: from alice's `send`
# (the entry of `Simulator.issue`) to bob's `delivered` event (the entry of the bench's
# observer, `DeliveryLog.observe`), on the simulator's thread, for every message of
# `bench --batch 1` (docs/performance.md, "Light load: where a message's time goes").
# Callgrind zeroes its counters as each `send` starts and writes them out as its delivery is
# seen, so each message's window is one dump, and what runs between windows (the CHAT-ACK,
# the BACKUPs, the registry, the bench's own loop) is counted in none. Prints the number of
# windows, their instructions in all and the mean a window; the dumps stay in OUT_DIR for
# `callgrind_annotate --inclusive=yes` (one message's window a file).
# Usage: scripts/callgrind-window.sh CONFCHAT OUT_DIR [extra bench options]
#   default load: --peers 1000 --friends 10 --messages 3000 (the light load's shape)
set -euo pipefail
binary=$(realpath "${1:?usage: scripts/callgrind-window.sh CONFCHAT OUT_DIR [bench options]}")
out=${2:?usage: scripts/callgrind-window.sh CONFCHAT OUT_DIR [bench options]}
shift 2
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(--peers 1000 --friends 10 --messages 3000)
mkdir -p "$out"
rm -f "$out"/callgrind.out.*
cd "$out"
# The two functions by their mangled names' stems (Swift symbols are not demangled here).
SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --toggle-collect='*BenchRunner*messagePhase*' \
  --zero-before='$s17ConfChatSimulator0C0C5issue*' --dump-before='$s13ConfChatTools11DeliveryLogC7observe*' \
  "$binary" bench "${options[@]}" --batch 1 --no-raw --json > bench.json 2> callgrind.log
windows=$(ls callgrind.out.*.* | wc -l)
cat callgrind.out.*.* | awk -v n="$windows" '/^totals:/ { s += $2 } END {
  printf "windows %d, instructions %d, a window %.1f\n", n, s, s / n }'
