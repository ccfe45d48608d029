#!/usr/bin/env bash
# The README's main command: builds the sandbox and the trader demo, starts the
# sandbox, trades on CS2DT, CSBoard and Skinify against it, prints the table, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
build=${CS2MARKET_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Debug} >/dev/null
cmake --build "$build" -j "$(nproc)" --target cs2market-sandbox cs2market-trader
bash sandbox/run_demo.sh "$build/sandbox/cs2market-sandbox" "$build/examples/cs2market-trader"
