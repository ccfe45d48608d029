#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each in turn.
#
#   bash tests/fuzz/run.sh 600            # each target for 10 minutes (corpus kept in build-fuzz/corpus)
#   bash tests/fuzz/run.sh --smoke 5      # CI: each target 5 s on a fresh copy of its seeds (ctest fuzz_smoke)
#   bash tests/fuzz/run.sh 60 push bulk   # only these targets
#
# Options: --build-dir DIR (default build-fuzz). Environment: CXX (default
# clang++), FUZZ_JOBS (build parallelism, default nproc), FUZZ_BUILD_PREFIX (a
# command to run the build under, e.g. build-slot), FUZZ_NICE (nice level of
# the runs, default 10). Findings land in DIR/artifacts/ and fail the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-fuzz"
smoke=0
seconds=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --build-dir) build=$2; shift ;;
    [0-9]*) seconds=$1 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
seconds=${seconds:-$([ $smoke = 1 ] && echo 5 || echo 60)}
[ ${#targets[@]} -gt 0 ] || targets=(codec decimal_time push bulk item_key)
cxx=${CXX:-}
case "$cxx" in *clang*) ;; *) cxx=$(command -v clang++ || command -v clang++-14 || true) ;; esac
[ -n "$cxx" ] || { echo "run.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }

start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
  # -O1: fast enough to fuzz, much quicker to compile than -O2; -g0: reports still name functions.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Fuzz \
        -DCMAKE_CXX_FLAGS_FUZZ="-O1 -g0" -DCS2MARKET_FUZZ=ON -DCS2MARKET_BUILD_TESTS=OFF \
        -DCS2MARKET_BUILD_EXAMPLES=OFF -DCS2MARKET_INSTALL=OFF >/dev/null
fi
${FUZZ_BUILD_PREFIX:-} cmake --build "$build" -j "${FUZZ_JOBS:-$(nproc)}" --target $(printf 'cs2market-fuzz-%s ' "${targets[@]}")
built=$(date +%s)
echo "fuzz: built in $((built - start)) s"

python3 "$here/make_seeds.py" "$build/seeds" >/dev/null
mkdir -p "$build/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  if [ $smoke = 1 ]; then
    corpus=$(mktemp -d)
  else
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
  fi
  log="$build/fuzz-$t.log"
  # -max_len: bodies of a few KiB reach every path (the 4096-byte redaction cut included).
  if nice -n "${FUZZ_NICE:-10}" "$build/tests/fuzz/cs2market-fuzz-$t" -max_total_time="$seconds" -max_len=16384 \
       -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
       "$corpus" "$build/seeds/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz: $t ok: $runs executions in ${seconds} s ($cov, corpus $(ls "$corpus" | wc -l) inputs)"
  else
    status=1
    echo "fuzz: $t FAILED (log: $log; inputs: $build/artifacts/$t-*)"
    grep -E "PROPERTY FAILED|ERROR: |runtime error|SUMMARY" "$log" | head -5 || true
  fi
  [ $smoke = 1 ] && rm -rf "$corpus"
done
echo "fuzz: total $(( $(date +%s) - start )) s"
exit $status
