#!/usr/bin/env bash
# Installs the system packages conf-chat needs, only those that are missing (Debian/Ubuntu);
# iproute2 is the `ip` tool that runs over several hosts on one machine (network namespaces) use.
# With --test, also what the test suite drives: tmux (the prompt on a real terminal) and
# xmllint (the JUnit report against its schema).
set -euo pipefail
packages=(libzmq3-dev libsodium-dev libsqlite3-dev libedit-dev pkg-config iproute2)
[ "${1:-}" = "--test" ] && packages+=(tmux libxml2-utils)
need=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing missing system packages: ${need[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
