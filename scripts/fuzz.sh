#!/usr/bin/env bash
# Builds a libFuzzer target (swiftc -sanitize=fuzzer,address) and runs it.
# Usage: scripts/fuzz.sh wire|scenario [seconds, default 30]
# A long campaign: scripts/fuzz.sh wire 3600 (the corpus grows in .build-fuzz/corpus-TARGET).
# The wire target starts from Fuzz/seeds-wire (a frame of every kind, written by the codec:
# WireFuzzSeedsTests) with Fuzz/wire.dict (every kind's header), read only: what it finds
# goes to .build-fuzz/corpus-wire.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh wire|scenario [seconds]}
seconds=${2:-30}
out=.build-fuzz
mkdir -p "$out/corpus-$target"
# -package-name as SwiftPM passes it, so the core's `package` declarations are visible within it.
flags=(-sanitize=fuzzer,address -parse-as-library -O -package-name confchat)
libraries=()
dictionary=()
seeds=()
case "$target" in
  wire)
    sources=(Fuzz/WireDecoderFuzz.swift $(find Sources/ConfChatCore -name '*.swift'))
    dictionary=(-dict=Fuzz/wire.dict)
    seeds=(Fuzz/seeds-wire) ;;
  scenario)
    # The scenario library imports the core (PeerCommand, PeerName): build it as a module first.
    swiftc "${flags[@]}" -module-name ConfChatCore -emit-module -emit-module-path "$out/ConfChatCore.swiftmodule" \
      -emit-library -static -o "$out/libConfChatCore.a" $(find Sources/ConfChatCore -name '*.swift')
    libraries=(-I "$out" -L "$out" -lConfChatCore)
    sources=(Fuzz/ScenarioParserFuzz.swift $(find Sources/ConfChatScenario -name '*.swift')) ;;
  *) echo "unknown target $target (wire or scenario)" >&2; exit 2 ;;
esac
swiftc "${flags[@]}" -module-name "Fuzz$target" "${libraries[@]}" "${sources[@]}" -o "$out/fuzz-$target"
# libFuzzer writes new inputs to the first folder only; options go before the folders.
"$out/fuzz-$target" -max_total_time="$seconds" -max_len=4096 "${dictionary[@]}" "$out/corpus-$target" "${seeds[@]}"
