#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the tests (CTest fixture
# `postgres`). Nothing is mocked: initdb + pg_ctl of the installed server, run
# as the `postgres` user when we are root (PostgreSQL refuses to run as root).
#
#   pg_server.sh start STATE_DIR    new cluster in a temp dir, free port; writes STATE_DIR/url
#   pg_server.sh stop STATE_DIR     stops it and removes the cluster
#   pg_server.sh halt STATE_DIR     stops it, keeping the cluster (a database outage)
#   pg_server.sh restart STATE_DIR  starts a halted cluster again on its port
#
# STATE_DIR/url is a libpq URI for the superuser (trust authentication on 127.0.0.1 only).
set -euo pipefail
cd /tmp # the postgres user may not be allowed into our working directory
cmd=${1:?usage: pg_server.sh start|stop|halt|restart STATE_DIR}
state=${2:?usage: pg_server.sh start|stop|halt|restart STATE_DIR}
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/pg_ctl" ] || { echo "pg_server.sh: no PostgreSQL server binaries (apt-get install postgresql-15)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ctl_start() {
  local data=$1 port=$2
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c shared_buffers=32MB -c max_connections=120" start >/dev/null ||
    { cat "$data/server.log" >&2; exit 1; }
}

case "$cmd" in
start)
  mkdir -p "$state"
  data=$(mktemp -d /tmp/cs2market-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
  chmod 700 "$data"
  as_pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-sync >"$state/initdb.log" 2>&1 ||
    { cat "$state/initdb.log" >&2; exit 1; }
  # A free loopback port (another server may take it before us: then try again).
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
         -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c shared_buffers=32MB -c max_connections=120" start >/dev/null; then
      break
    fi
    [ "$attempt" -eq 5 ] && { cat "$data/server.log" >&2; exit 1; }
  done
  echo "$data" >"$state/data"
  echo "$port" >"$state/port"
  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
  echo "postgres: $(cat "$state/url") (data in $data)"
  ;;
halt)
  data=$(cat "$state/data")
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  ;;
restart)
  ctl_start "$(cat "$state/data")" "$(cat "$state/port")"
  ;;
stop)
  [ -f "$state/data" ] || exit 0
  data=$(cat "$state/data")
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$data"
  rm -f "$state/data" "$state/port" "$state/url"
  ;;
*)
  echo "pg_server.sh: unknown command $cmd" >&2
  exit 2
  ;;
esac
