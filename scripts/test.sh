#!/usr/bin/env bash
# Builds everything and runs the whole test suite (installs dependencies first when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
build=${CS2MARKET_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Debug} >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
