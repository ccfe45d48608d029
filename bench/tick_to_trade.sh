#!/usr/bin/env bash
# Tick-to-trade: configures a Release build in build-release (or $BUILD), builds
# cs2market-tick-to-trade-bench (through build-slot when the machine has it) and
# runs it; arguments go to the benchmark (default: 20000 pushes per side, writes
# bench/results/tick_to_trade.md). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCS2MARKET_BUILD_EXAMPLES=OFF >/dev/null
slot=()
if command -v build-slot >/dev/null; then slot=(build-slot); fi
"${slot[@]}" cmake --build "$build" -j1 --target cs2market-tick-to-trade-bench
exec "$build/bench/cs2market-tick-to-trade-bench" "$@"
