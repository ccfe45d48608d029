#!/usr/bin/env bash
# Builds the examples and runs the demo: all three providers against a local HTTPS server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
build=${CS2MARKET_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Debug} >/dev/null
cmake --build "$build" -j "$(nproc)" --target cs2market-demo cs2market-cli
"$build/examples/cs2market-demo" --cli "$build/examples/cs2market"
