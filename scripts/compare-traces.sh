#!/usr/bin/env bash
# Shows that a change leaves every scenario's trace as it was: runs `confchat run scenarios
# --trace` on inproc with a base binary (built from the commit to compare with) and with this
# tree's, masks the wall times of the PASS lines, and compares the two outputs byte for byte.
# With `--moved KIND` (a message kind, e.g. BACKUP), lines of that kind may move: the traces
# must be identical once they are left out, and each scenario must hold the same such lines
# (same time, same nodes, same fields), only perhaps in another order.
# With `--coalesced`, each BACKUPS line (several backup entries in one frame) is read as the
# BACKUP lines of its entries, one a line, in both traces: against a binary that sent every
# entry as a BACKUP of its own, the traces must then be identical.
# Usage: scripts/compare-traces.sh [--moved KIND | --coalesced] BASE_CONFCHAT [NEW_CONFCHAT]
set -euo pipefail
cd "$(dirname "$0")/.."
moved=""
coalesced=""
if [ "${1:-}" = "--moved" ]; then moved=${2:?usage: --moved KIND}; shift 2; fi
if [ "${1:-}" = "--coalesced" ]; then coalesced=1; shift; fi
base=${1:?usage: scripts/compare-traces.sh [--moved KIND | --coalesced] BASE_CONFCHAT [NEW_CONFCHAT]}
new=${2:-.build/debug/confchat}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mask() { sed -E 's/, [0-9]+\.[0-9]+s\)$/, <wall>s)/'; }
# A BACKUPS line ("... -> registry   BACKUPS   to=bob#1 from=carol#4") as one BACKUP line an
# entry ("... BACKUP    to=bob seq=1"), the columns, a "lost: " and a transit kept. A frame
# dropped by a partition is traced without its entries: a run of such BACKUP lines is read
# as one, in both traces.
expand_backups() {
  if [ -z "$coalesced" ]; then cat; return; fi
  awk '{
    if (match($0, / BACKUPS +/)) {
      head = substr($0, 1, RSTART); pad = substr($0, RSTART + 8, RLENGTH - 8)
      rest = substr($0, RSTART + RLENGTH); lost = ""; transit = ""
      if (rest ~ /^dropped:/) { print head "BACKUP " pad rest; next }
      if (rest ~ /^lost: /) { lost = "lost: "; rest = substr(rest, 7) }
      t = index(rest, "  [arrives"); if (t > 0) { transit = substr(rest, t); rest = substr(rest, 1, t - 1) }
      n = split(rest, e, " ")
      for (i = 1; i <= n; i++) { sub(/#/, " seq=", e[i]); print head "BACKUP " pad lost e[i] transit }
    } else print
  }' | awk '!($0 == last && $0 ~ / -x +[^ ]+ +BACKUP +dropped:/) { print } { last = $0 }'
}
"$base" run scenarios --trace --transport inproc 2>&1 | mask | expand_backups > "$out/base.txt" || true
"$new" run scenarios --trace --transport inproc 2>&1 | mask | expand_backups > "$out/new.txt" || true
if cmp -s "$out/base.txt" "$out/new.txt"; then
  echo "traces identical: $(grep -c '^PASS' "$out/new.txt") scenarios, $(wc -l < "$out/new.txt") lines"
  exit 0
fi
if [ -n "$moved" ]; then
  # A trace line of that kind, sent or dropped: time, sender, arrow, receiver, then the kind.
  pattern="^ *[0-9.]+s +[^ ]+ +-[>x] +[^ ]+ +$moved "
  for f in base new; do
    grep -Ev "$pattern" "$out/$f.txt" > "$out/$f.rest" || true
    # Each moved line tagged with its scenario's number (scenarios end with PASS or FAIL), sorted.
    awk -v p="$pattern" '/^(PASS|FAIL) /{n++} $0 ~ p {print n "\t" $0}' "$out/$f.txt" | sort > "$out/$f.moved"
  done
  if cmp -s "$out/base.rest" "$out/new.rest" && cmp -s "$out/base.moved" "$out/new.moved"; then
    echo "traces identical but for $moved lines moving within their scenario:" \
      "$(grep -c '^PASS' "$out/new.txt") scenarios, $(wc -l < "$out/new.txt") lines," \
      "$(wc -l < "$out/new.moved") $moved lines, $(diff "$out/base.txt" "$out/new.txt" | grep -c '^[<>]' || true) lines differ in place"
    exit 0
  fi
  diff "$out/base.rest" "$out/new.rest" | head -20
  diff "$out/base.moved" "$out/new.moved" | head -20
  echo "traces differ in more than $moved lines moving"
  exit 1
fi
diff "$out/base.txt" "$out/new.txt" | head -40
echo "traces differ"
exit 1
