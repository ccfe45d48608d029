#!/usr/bin/env bash
# The test suite built with clang under AddressSanitizer + UndefinedBehaviorSanitizer
# (scripts/test.sh builds with g++), in build-clang. Extra arguments go to ctest.
#   bash scripts/test-clang.sh                                 # everything, as scripts/test.sh
#   CS2MARKET_TARGET=cs2market-tests bash scripts/test-clang.sh  # only the library's tests, run directly
# CMAKE_ARGS=-DCS2MARKET_SANITIZE_ALL=ON instruments the integration tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
build=${CS2MARKET_BUILD_DIR:-build-clang}
cxx=${CXX:-}
case "$cxx" in *clang*) ;; *) cxx=$(command -v clang++ || command -v clang++-14) ;; esac
# -fno-sanitize=function for coroutine TUs (clang 14) is added by CMakeLists.txt.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Debug} \
      -DCMAKE_CXX_FLAGS_DEBUG=-g0 -DCS2MARKET_SANITIZE=address,undefined ${CMAKE_ARGS:-} >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -n "${CS2MARKET_TARGET:-}" ]; then
  cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "$CS2MARKET_TARGET"
  exe=$(find "$build" -type f -name "$CS2MARKET_TARGET" -perm -u+x | head -1)
  exec "$exe" "$@"
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
