#!/usr/bin/env bash
# Shows that a change leaves every scenario's trace as it was: runs `confchat run scenarios
# --trace` on inproc with a base binary (built from the commit to compare with) and with this
# tree's, masks the wall times of the PASS lines, and compares the two outputs byte for byte.
# Usage: scripts/compare-traces.sh BASE_CONFCHAT [NEW_CONFCHAT]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/compare-traces.sh BASE_CONFCHAT [NEW_CONFCHAT]}
new=${2:-.build/debug/confchat}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mask() { sed -E 's/, [0-9]+\.[0-9]+s\)$/, <wall>s)/'; }
"$base" run scenarios --trace --transport inproc 2>&1 | mask > "$out/base.txt" || true
"$new" run scenarios --trace --transport inproc 2>&1 | mask > "$out/new.txt" || true
if cmp -s "$out/base.txt" "$out/new.txt"; then
  echo "traces identical: $(grep -c '^PASS' "$out/new.txt") scenarios, $(wc -l < "$out/new.txt") lines"
else
  diff "$out/base.txt" "$out/new.txt" | head -40
  echo "traces differ"
  exit 1
fi
