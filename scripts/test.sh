#!/usr/bin/env bash
# Builds everything and runs the whole test suite (installs dependencies first when missing).
# The library's own tests (cs2market-tests) run under AddressSanitizer and
# UndefinedBehaviorSanitizer (CS2MARKET_SANITIZE= turns them off;
# CMAKE_ARGS=-DCS2MARKET_SANITIZE_ALL=ON instruments the integration tests too).
# Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
build=${CS2MARKET_BUILD_DIR:-build-test}
sanitize=${CS2MARKET_SANITIZE-address,undefined}
# -g0: sanitizer reports still name the functions; debug info would add ~20% to the build.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Debug} -DCMAKE_CXX_FLAGS_DEBUG=-g0 \
      -DCS2MARKET_SANITIZE="$sanitize" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# --timeout: a test without a deadline of its own gets one (a hang fails, naming the test).
ctest --test-dir "$build" --output-on-failure --timeout 600 -j "$(nproc)" "$@"
