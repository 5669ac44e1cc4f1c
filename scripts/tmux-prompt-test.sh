#!/usr/bin/env bash
# End-to-end test of the interactive prompt on a real terminal (tmux), and of its plain mode.
#
#   scripts/tmux-prompt-test.sh                  builds confchat, then tests it
#   CONFCHAT=path/to/confchat scripts/tmux-prompt-test.sh
#   SCRATCH_PATH=.build-prompt scripts/tmux-prompt-test.sh
#
# It starts `confchat attach alice --scenario <setup>` in a detached tmux session (its own
# tmux server, so it never touches yours), types commands with `tmux send-keys`, reads the
# screen with `tmux capture-pane -p`, and checks:
#   - commands run and print their results (login, friends, send, messages, @bob ...);
#   - an event that arrives while a line is half typed prints above it, and the half-typed
#     line is still intact below it (bob crashes; alice sees him go offline after the
#     presence timeout, in real time, while `send b` sits unfinished at her prompt);
#   - Tab completes `send b` to `send bob `, and the finished line runs;
#   - Up recalls the previous line; Ctrl-D leaves with status 0;
#   - piped stdin gives plain lines: no prompt, no escape sequences, `[event] ...` lines.
# Exits 0 when all hold; otherwise prints what failed and the screen, and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "FAIL: $*" >&2
  if [ -n "${screen:-}" ]; then
    echo "----- screen -----" >&2
    printf '%s\n' "$screen" >&2
    echo "------------------" >&2
  fi
  exit 1
}

command -v tmux >/dev/null || fail "tmux is not installed (apt-get install tmux)"

if [ -z "${CONFCHAT:-}" ]; then
  scratch="${SCRATCH_PATH:-.build}"
  swift build --scratch-path "$scratch" >&2
  CONFCHAT="$(swift build --scratch-path "$scratch" --show-bin-path)/confchat"
fi
[ -x "$CONFCHAT" ] || fail "no confchat binary at $CONFCHAT"

work="$(mktemp -d "${TMPDIR:-/tmp}/confchat-prompt-test.XXXXXX")"
sock="confchat-prompt-test-$$"
session="prompt"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/setup.scenario" <<'EOF'
# alice and bob have accounts and are friends; bob is logged in, alice is not.
peers alice bob
presence-timeout 3s
alice register pw-alice
bob register pw-bob
alice login pw-alice
bob login pw-bob
alice add-friend bob
bob accept alice
bob send alice "welcome"
alice logout
EOF

# The screen as text (tmux drops the spaces at the end of each line; $(...) drops the
# blank lines at the end of the screen).
capture() {
  screen="$(tmux -L "$sock" capture-pane -p -t "$session")"
}

# Waits until the screen shows a line matching the (grep -E) pattern.
wait_for() {
  local pattern="$1" seconds="${2:-10}" i
  for ((i = 0; i < seconds * 10; i++)); do
    capture
    if grep -Eq -- "$pattern" <<<"$screen"; then return 0; fi
    sleep 0.1
  done
  fail "waited ${seconds}s for a line matching: $pattern"
}

# The last line of the screen (where the prompt and the line being typed are).
last_line() { capture; tail -n 1 <<<"$screen"; }

type_line() { tmux -L "$sock" send-keys -t "$session" -l "$1"; }
press() { tmux -L "$sock" send-keys -t "$session" "$@"; }

# --- the terminal ----------------------------------------------------------------------
tmux -L "$sock" new-session -d -s "$session" -x 200 -y 50 \
  "env TERM=xterm-256color NO_COLOR=1 HOME='$work' '$CONFCHAT' attach alice --scenario '$work/setup.scenario'; echo \"EXITED \$?\"; sleep 600"

wait_for '^alice \(logged out\)>$' 20
type_line "login pw-alice"; press Enter
wait_for '^logged in as alice$'
wait_for '^alice>$'

type_line "friends"; press Enter
wait_for '^bob +online$'

type_line "messages bob"; press Enter
wait_for '^  bob: welcome$'

type_line '@bob send alice "ping"'; press Enter
wait_for '^[0-2][0-9]:[0-5][0-9] \[event\] bob: ping$'
wait_for '^ok$'

# An event while a line is half typed: bob crashes (no goodbye), so alice sees him go
# offline only after the presence timeout, a few real seconds later. Meanwhile she has
# typed `send b` and not pressed Enter.
type_line "@bob crash"; press Enter
wait_for '^alice>$'
type_line "send b"
[ "$(last_line)" = "alice> send b" ] || fail "the partial line is not shown as typed"
wait_for '^[0-2][0-9]:[0-5][0-9] \[event\] bob is offline' 15
capture
during="$screen"
last="$(tail -n 1 <<<"$screen")"
above="$(tail -n 2 <<<"$screen" | head -n 1)"
[ "$last" = "alice> send b" ] || fail "after the event, the last line is '$last', not the intact partial line 'alice> send b'"
grep -Eq '^[0-2][0-9]:[0-5][0-9] \[event\] bob is offline \(' <<<"$above" || fail "the event did not print on its own line right above the partial line (found '$above')"
grep -Eq 'send b.*\[event\]|\[event\].*alice>' <<<"$screen" && fail "the event and the typed line are mixed on one line"

# Tab completes the friend's name, and the line runs.
press Tab
sleep 0.3
[ "$(last_line)" = "alice> send bob" ] || fail "Tab did not complete 'send b' to 'send bob ' (last line: '$(last_line)')"
type_line "are you there?"; press Enter
wait_for '^sent to bob$'
type_line "messages bob"; press Enter
wait_for '^  alice: are you there\?'

# History: Up recalls the previous line.
wait_for '^alice>$'
press Up
sleep 0.3
[ "$(last_line)" = "alice> messages bob" ] || fail "Up did not recall 'messages bob' (last line: '$(last_line)')"
press C-a C-k
sleep 0.2

# A long wait shows progress and Ctrl-C stops it (it used to hang the prompt for hours).
type_line "wait 24h"; press Enter
wait_for '^\.\.\. .* of 1d simulated \(Ctrl-C stops\)$' 15
press C-c
wait_for '^error: interrupted \(Ctrl-C\) after .* simulated$' 10
wait_for '^alice>$'
type_line "friends"; press Enter
wait_for '^bob +online$'

# An expect that waits long shows progress towards its budget (it showed "3h of 3h"), and
# stopped by Ctrl-C says so as a wait does: not a failed expectation, nor a "simulator error".
type_line "clear"; press Enter
sleep 0.5
type_line "expect bob conversation alice \"never sent\" within 24h"; press Enter
wait_for '^\.\.\. .* of 1d simulated \(Ctrl-C stops\)$' 15
press C-c
wait_for '^error: interrupted \(Ctrl-C\) after .* simulated$' 10
capture; ! grep -q "expectation failed" <<<"$screen" || fail "an interrupted expect was reported as a failed expectation"

# A long pasted line (libedit once corrupted the heap past 1,020 bytes and crashed): 6,000
# characters run as a command, and the prompt keeps working.
wait_for '^alice>$'
press C-l
tmux -L "$sock" clear-history -t "$session"
wait_for '^alice>$'
python3 -c "print('send bob ' + 'y' * 6000, end='')" >"$work/long.txt"
tmux -L "$sock" load-buffer "$work/long.txt"
tmux -L "$sock" paste-buffer -t "$session"
press Enter
wait_for '^sent to bob$' 300
type_line "messages"; press Enter
wait_for '^  bob +[0-9]+ messages +last: alice: y{20}' 20
press C-l

# Errors are one line and unknown commands point at help.
type_line "sned bob hi"; press Enter
wait_for "^error: unknown command 'sned' \(did you mean 'send'\?\); type help for the list$"

# clear empties the screen: the prompt is on its first line.
wait_for '^alice>$'
type_line "clear"; press Enter
sleep 0.5
capture
[ "$(head -n 1 <<<"$screen")" = "alice>" ] || fail "clear did not clear the screen"

# Ctrl-D on an empty line leaves with status 0.
wait_for '^alice>$'
press C-d
wait_for '^EXITED 0$'
capture
final="$screen"

# A second session: the history of the first is there (Up), without the line that held a
# password; `login` alone asks for the password and does not show it; SIGTERM during a long
# wait ends the prompt.
history="$work/.confchat_history"
[ "$(stat -c %a "$history")" = "600" ] || fail "the history file is not mode 0600"
grep -q 'pw-alice' "$history" && fail "a password went to the history file"
tmux -L "$sock" new-session -d -s term -x 200 -y 50 \
  "env TERM=xterm-256color NO_COLOR=1 HOME='$work' '$CONFCHAT' attach alice --scenario '$work/setup.scenario'; echo \"EXITED \$?\"; sleep 600"
session=term
wait_for '^alice \(logged out\)>$' 20
press Up
sleep 0.3
[ "$(last_line)" = "alice (logged out)> clear" ] || fail "Up in a new session did not recall the last line of the previous one (last line: '$(last_line)')"
press C-a C-k
type_line "login"; press Enter
wait_for '^password for alice:$'
type_line "pw-alice"; press Enter
wait_for '^logged in as alice$'
grep -q 'pw-alice' <<<"$screen" && fail "the password typed at 'password for alice:' was shown"
wait_for '^alice>$'
type_line "wait 24h"; press Enter
wait_for '^\.\.\. .* simulated \(Ctrl-C stops\)$' 15
kill -TERM "$(tmux -L "$sock" list-panes -t term -F '#{pane_pid}' | xargs pgrep -P)"
wait_for '^error: stopped: the process was asked to end \(SIGTERM\)' 10
wait_for '^EXITED 0$' 10

# A standalone peer: Ctrl-C cancels a command that waits for the registry (none runs at
# the endpoint, so register would wait for its answer for seconds).
printf '%s\n' 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7' >"$work/nobody.pub"
tmux -L "$sock" new-session -d -s peer -x 200 -y 50 \
  "env TERM=xterm-256color NO_COLOR=1 HOME='$work' '$CONFCHAT' peer zed --registry tcp://127.0.0.1:1 --registry-key-file '$work/nobody.pub' --data '$work/zed' --fast-hash; echo \"EXITED \$?\"; sleep 600"
session=peer
wait_for '^zed \(logged out\)>$' 20
type_line "register pw"
wait_for '^zed \(logged out\)> register pw$'
press Enter
sleep 0.5  # the line is read and the command waits (for 3 s) before Ctrl-C is sent
press C-c
wait_for '^error: interrupted \(Ctrl-C\) while waiting for the registry' 10
wait_for '^zed \(logged out\)>$'
session=prompt

# --- piped stdin: plain lines -----------------------------------------------------------
plain="$(printf 'login pw-alice\nfriends\n@bob send alice "hi from a pipe"\nmessages bob\nbogus\nquit\nfriends\n' \
  | "$CONFCHAT" attach alice --scenario "$work/setup.scenario")" || fail "piped attach exited with status $?"
expected='[event] bob is online (hello)
logged in as alice
bob  online
[event] bob: hi from a pipe
ok
conversation with bob (2 messages):
  bob: welcome
  bob: hi from a pipe
error: unknown command '"'"'bogus'"'"'; type help for the list'
if [ "$plain" != "$expected" ]; then
  screen="$plain"
  fail "piped stdin: the output differs from what is expected:
$expected"
fi
grep -q $'\e' <<<"$plain" && fail "piped stdin: the output holds escape sequences"
long="$(python3 -c "print('send bob ' + 'y' * 70000); print('requests')" | "$CONFCHAT" attach alice --scenario "$work/setup.scenario")" \
  || fail "a piped over-long line: exit status $?"
[ "$long" = "error: the line is over 66560 bytes and was dropped (a message can be at most 65536 bytes)
no friend requests waiting" ] || { screen="$long"; fail "a piped over-long line is not dropped with an error"; }
traced="$(printf 'login pw-alice\nwait 3s\n' | "$CONFCHAT" attach alice --scenario "$work/setup.scenario" --trace)"
grep -q ' HELLO ' <<<"$traced" || { screen="$traced"; fail "attach --trace printed no trace"; }
grep -Eq ' (HEARTBEAT|PING|PONG) ' <<<"$traced" && { screen="$traced"; fail "attach --trace printed keep-alive traffic (hidden by default)"; }
traced="$(printf 'login pw-alice\nwait 3s\n' | "$CONFCHAT" attach alice --scenario "$work/setup.scenario" --trace --trace-hide none)"
grep -q ' HEARTBEAT ' <<<"$traced" || { screen="$traced"; fail "attach --trace --trace-hide none did not show HEARTBEAT"; }
printf '' | "$CONFCHAT" attach alice --scenario "$work/setup.scenario" >/dev/null || fail "empty stdin: exit status $? (expected 0)"

echo "----- screen while the event arrived (a partial line 'send b' being typed) -----"
printf '%s\n' "$during"
echo "----- screen at the end -----"
printf '%s\n' "$final"
echo "----- piped stdin -----"
printf '%s\n' "$plain"
echo "PASS: the prompt on a terminal (tmux) and on piped stdin"
