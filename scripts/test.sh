#!/usr/bin/env bash
# The test suite: unit, codec, parser, state machine and end-to-end tests on every transport.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
