#!/bin/sh
# cs2market compile-time benchmark: seconds and peak memory to compile
#   op       - a TU that includes <cs2market/csboard.hpp> and calls one operation
#   models   - a TU that includes only <cs2market/csboard/models.hpp> and decodes
#   boost    - a TU with only the Boost headers the "op" TU needs (found from its
#              own dependency list: every <boost/...> header a cs2market header or
#              .ipp it reaches includes), header-only and with separate compilation
#   boost-models - the same for the "models" TU
# all in the same run, with /usr/bin/time -v (Debian package `time`), and writes
# a markdown table with the ratios.
#
#   bench/compile_time.sh [--cxx g++] [--flags "-std=c++20 -O0"] [--repeat N] [--include DIR] [--out FILE] [--before FILE]
#
# --before: an earlier results file (e.g. from the commit before a change); its CPU
# seconds and ratios are shown beside the new ones.
#
# Times are CPU seconds (user + sys) of the compiler, the best of N runs: on a
# shared machine CPU time is much steadier than wall time; wall time is shown too.
set -eu

CXX=${CXX:-g++}
FLAGS="-std=c++20 -O0"
REPEAT=2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
INC="$ROOT/include"
OUT="$ROOT/bench/results/compile_time.md"
BEFORE=""
while [ $# -gt 0 ]; do
    case "$1" in
    --cxx) CXX=$2; shift 2 ;;
    --flags) FLAGS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --include) INC=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    *) echo "usage: $0 [--cxx CXX] [--flags FLAGS] [--repeat N] [--include DIR] [--out FILE] [--before FILE]" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat > "$W/op.cpp" <<'CPP'
#include <cs2market/csboard.hpp>
int main()
{
    cs2market::client_options o;
    cs2market::csboard::client c(o);
    auto r = c.list_listings({});
    return r ? 0 : 1;
}
CPP
cat > "$W/models.cpp" <<'CPP'
#include <cs2market/csboard/models.hpp>
int main(int argc, char** argv)
{
    auto r = cs2market::from_json<cs2market::csboard::ListingsPage>(argc > 1 ? argv[1] : "{}");
    return r ? 0 : 1;
}
CPP

# The Boost headers a TU needs: every <boost/...> include written in a cs2market
# header that the TU reaches.
boost_tu() { # $1 = source, $2 = output, $3 = extra flags
    $CXX $FLAGS ${3:-} -I"$INC" -M "$1" | tr ' \\' '\n\n' | grep -E "^$INC/.*\.(hpp|ipp)$" | sort -u > "$W/hdrs"
    : > "$W/boost_list"
    while read -r h; do
        grep -h '^#include <boost/' "$h" >> "$W/boost_list" || true
    done < "$W/hdrs"
    { sort -u "$W/boost_list"; echo 'int main() { return 0; }'; } > "$2"
}
boost_tu "$W/op.cpp" "$W/boost.cpp"
boost_tu "$W/op.cpp" "$W/boost_sep.cpp" -DCS2MARKET_SEPARATE_COMPILATION
boost_tu "$W/models.cpp" "$W/boost_models.cpp"

measure() { # $1 = source, $2 = extra flags; prints "cpu_s wall_s maxrss_kib"
    best=""
    i=0
    while [ $i -lt "$REPEAT" ]; do
        /usr/bin/time -v -o "$W/t" $CXX $FLAGS ${2:-} -I"$INC" -c "$1" -o "$W/x.o"
        u=$(sed -n 's/^\tUser time (seconds): //p' "$W/t")
        s=$(sed -n 's/^\tSystem time (seconds): //p' "$W/t")
        e=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/t")
        m=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$W/t")
        wall=$(echo "$e" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
        cpu=$(echo "$u $s" | awk '{ printf "%.2f", $1 + $2 }')
        if [ -z "$best" ] || [ "$(echo "$cpu $best" | awk '{ print ($1 < $2) }')" = 1 ]; then
            best=$cpu
            line="$cpu $wall $m"
        fi
        i=$((i + 1))
    done
    echo "$line"
}

echo "measuring (each TU $REPEAT times)..." >&2
op=$(measure "$W/op.cpp");                 echo "op: $op" >&2
opsep=$(measure "$W/op.cpp" -DCS2MARKET_SEPARATE_COMPILATION); echo "op (separate compilation): $opsep" >&2
PROV="-DCS2MARKET_SEPARATE_COMPILATION -DCS2MARKET_SEPARATE_PROVIDERS"
opprov=$(measure "$W/op.cpp" "$PROV"); echo "op (separate compilation, providers too): $opprov" >&2
printf '#include <cs2market/src.hpp>\n' > "$W/src.cpp"
src=$(measure "$W/src.cpp" -DCS2MARKET_SEPARATE_COMPILATION); echo "src.hpp TU: $src" >&2
if [ -f "$INC/cs2market/csboard/generated/instances.hpp" ]; then
    printf '#define CS2MARKET_CSBOARD_SOURCE\n#include <cs2market/csboard.hpp>\n' > "$W/inst.cpp"
    inst=$(measure "$W/inst.cpp" "$PROV"); echo "csboard instances TU: $inst" >&2
else
    inst="- - 0"
fi
models=$(measure "$W/models.cpp");         echo "models: $models" >&2
boost=$(measure "$W/boost.cpp");           echo "boost: $boost" >&2
boostsep=$(measure "$W/boost_sep.cpp");    echo "boost (separate): $boostsep" >&2
boostm=$(measure "$W/boost_models.cpp");   echo "boost-models: $boostm" >&2

col() { echo "$1" | awk -v n="$2" '{ print $n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# A TU's CPU seconds / a ratio's time in the --before file ("-" when absent).
before_cpu() { [ -n "$BEFORE" ] && awk -F' [|] ' -v n="| $1" '$1 == n { print $2; f = 1; exit } END { if (!f) print "-" }' "$BEFORE" || echo "-"; }
before_ratio() { before_cpu "$1"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

{
    echo "# Compile time"
    echo
    echo "Generated by \`bench/compile_time.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand; see bench/README.md."
    echo
    echo "- Compiler: \`$($CXX --version | head -1)\`, flags \`$FLAGS -c\`; $(nproc) cores shared with other builds (load average $(cut -d' ' -f1 /proc/loadavg))."
    echo "- CPU seconds (user + sys) of the compiler, best of $REPEAT; wall seconds and peak memory (max RSS) of that run."
    [ -z "$BEFORE" ] || echo "- \`CPU s before\` / \`time before\`: the run of $(sed -n 's/^Generated by .* on \(.*\)\. Do not.*/\1/p' "$BEFORE") (\`--before\`), same script and machine, load average $(sed -n 's/.*(load average \([0-9.]*\)).*/\1/p' "$BEFORE") then."
    echo "- \`op, CS2MARKET_SEPARATE_COMPILATION\`: the same TU when the HTTPS engine is compiled once elsewhere (\`<cs2market/src.hpp>\`);"
    echo "  \`+ CS2MARKET_SEPARATE_PROVIDERS\` (opt-in): the provider's client and blocking calls compiled once too, in the instances TU."
    echo "- \`op\`: includes \`<cs2market/csboard.hpp>\` and calls \`list_listings\`; \`models\`: includes \`<cs2market/csboard/models.hpp>\` and calls \`from_json<ListingsPage>\`;"
    echo "  \`boost (op)\` / \`boost (op, separate)\` / \`boost (models)\`: only the $(grep -c '^#include' "$W/boost.cpp") / $(grep -c '^#include' "$W/boost_sep.cpp") / $(grep -c '^#include' "$W/boost_models.cpp") Boost headers that the cs2market headers reached by that TU include."
    echo "- Where the time goes and what stands in the way of each goal not met: [compile_time_profile.md](compile_time_profile.md)."
    echo
    echo "| TU | CPU s | wall s | peak MB | CPU s before |"
    echo "|---|---:|---:|---:|---:|"
    echo "| op | $(col "$op" 1) | $(col "$op" 2) | $(mb "$(col "$op" 3)") | $(before_cpu "op") |"
    echo "| op, CS2MARKET_SEPARATE_COMPILATION | $(col "$opsep" 1) | $(col "$opsep" 2) | $(mb "$(col "$opsep" 3)") | $(before_cpu "op, CS2MARKET_SEPARATE_COMPILATION") |"
    echo "| op, CS2MARKET_SEPARATE_COMPILATION + CS2MARKET_SEPARATE_PROVIDERS | $(col "$opprov" 1) | $(col "$opprov" 2) | $(mb "$(col "$opprov" 3)") | $(before_cpu "op, CS2MARKET_SEPARATE_COMPILATION + CS2MARKET_SEPARATE_PROVIDERS") |"
    echo "| the csboard instances TU (compiled once per program; separate compilation) | $(col "$inst" 1) | $(col "$inst" 2) | $(mb "$(col "$inst" 3)") | $(before_cpu "the csboard instances TU (compiled once per program; separate compilation)") |"
    echo "| the src.hpp TU (compiled once per program) | $(col "$src" 1) | $(col "$src" 2) | $(mb "$(col "$src" 3)") | $(before_cpu "the src.hpp TU (compiled once per program)") |"
    echo "| boost (op) | $(col "$boost" 1) | $(col "$boost" 2) | $(mb "$(col "$boost" 3)") | $(before_cpu "boost (op)") |"
    echo "| boost (op, separate compilation) | $(col "$boostsep" 1) | $(col "$boostsep" 2) | $(mb "$(col "$boostsep" 3)") | $(before_cpu "boost (op, separate compilation)") |"
    echo "| models | $(col "$models" 1) | $(col "$models" 2) | $(mb "$(col "$models" 3)") | $(before_cpu "models") |"
    echo "| boost (models) | $(col "$boostm" 1) | $(col "$boostm" 2) | $(mb "$(col "$boostm" 3)") | $(before_cpu "boost (models)") |"
    echo
    echo "| ratio | time | memory | time before | goal (issue 20) |"
    echo "|---|---:|---:|---:|---|"
    r=$(ratio "$(col "$op" 1)" "$(col "$boost" 1)")
    echo "| op / boost (op) | $r | $(ratio "$(col "$op" 3)" "$(col "$boost" 3)") | $(before_ratio "op / boost (op)") | <= 1.8: $(awk -v r="$r" 'BEGIN { print (r <= 1.8 ? "met" : "NOT met") }') |"
    r2=$(ratio "$(col "$opsep" 1)" "$(col "$boostsep" 1)")
    echo "| op (separate compilation) / boost (op, separate) | $r2 | $(ratio "$(col "$opsep" 3)" "$(col "$boostsep" 3)") | $(before_ratio "op (separate compilation) / boost (op, separate)") | <= 1.3: $(awk -v r="$r2" 'BEGIN { print (r <= 1.3 ? "met" : "NOT met") }') |"
    r4=$(ratio "$(col "$opprov" 1)" "$(col "$boostsep" 1)")
    echo "| op (separate compilation + providers) / boost (op, separate) | $r4 | $(ratio "$(col "$opprov" 3)" "$(col "$boostsep" 3)") | $(before_ratio "op (separate compilation + providers) / boost (op, separate)") | <= 1.3: $(awk -v r="$r4" 'BEGIN { print (r <= 1.3 ? "met" : "NOT met") }') |"
    r3=$(ratio "$(col "$models" 1)" "$(col "$boostm" 1)")
    echo "| models / boost (models) | $r3 | $(ratio "$(col "$models" 3)" "$(col "$boostm" 3)") | $(before_ratio "models / boost (models)") | <= 1.4: $(awk -v r="$r3" 'BEGIN { print (r <= 1.4 ? "met" : "NOT met") }') |"
    echo "| models / op | $(ratio "$(col "$models" 1)" "$(col "$op" 1)") | $(ratio "$(col "$models" 3)" "$(col "$op" 3)") | $(before_ratio "models / op") | |"
    echo
    echo "Boost headers of \`op\`:"
    echo
    echo '```'
    grep '^#include' "$W/boost.cpp"
    echo '```'
} > "$OUT"
cat "$OUT"
