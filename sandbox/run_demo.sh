#!/usr/bin/env bash
# Starts the sandbox executable, runs the trader demo against it over HTTPS, stops it.
#   run_demo.sh <cs2market-sandbox> <cs2market-trader>
# Used by the README's main command (scripts/demo.sh) and by the sandbox_cli_and_trader
# test: checks the sandbox's first line and --ca-out, routes CS2DT callbacks to the
# trader's receiver, and fails unless the trader printed a final state for all three
# providers and the sandbox shut down cleanly on SIGTERM.
set -euo pipefail
sandbox=$1
trader=$2
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# A free loopback port for the trader's callback receiver.
cb_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkfifo "$dir/out"
"$sandbox" --port 0 --ca-out "$dir/ca.pem" --callback-url "https://127.0.0.1:$cb_port/cs2dt/callback" >"$dir/out" &
pid=$!
exec 3<"$dir/out"
read -r -t 60 first <&3 || { echo "the sandbox printed nothing" >&2; exit 1; }
case "$first" in
  "listening on https://127.0.0.1:"*) ;;
  *) echo "unexpected first line: $first" >&2; exit 1 ;;
esac
echo "sandbox: $first"
url=${first#listening on }
cat <&3 >/dev/null &
test -s "$dir/ca.pem"

# The sandbox's trade protection runs on its accelerated clock: its own settlement times decide.
"$trader" --base-url "$url" --ca-file "$dir/ca.pem" --callback-port "$cb_port" --trade-protection-ms 0 | tee "$dir/table"
for p in cs2dt csboard skinify; do
  grep -Eq "^\| $p +\|.*\| [^|]*[a-z][^|]* \|$" "$dir/table" || { echo "no final state for $p" >&2; exit 1; }
done
# A Markdown table: every row has six cells ('|' in item names escaped), and CSBoard's row
# shows the order id get_order takes (ord_...), not the purchase id (pur_...).
awk '/^\|/ { line = $0; gsub(/\\\|/, "", line); n = gsub(/\|/, "", line); if (n != 7) { print "a table row without six cells: " $0 > "/dev/stderr"; bad = 1 } }
     END { exit bad }' "$dir/table"
grep -Eq "^\| csboard +\|.*\| ord_[^ |]+ +\|" "$dir/table" || { echo "no CSBoard order id (ord_...)" >&2; exit 1; }
# Followed by push as well as by polling: CS2DT signed callbacks, Skinify WebSocket events.
grep -q "^cs2dt: callbacks " "$dir/table" || { echo "no CS2DT callback arrived" >&2; exit 1; }
grep -q "^skinify: websocket [a-z]" "$dir/table" || { echo "no Skinify WebSocket event arrived" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid"
pid=
echo "sandbox stopped"
