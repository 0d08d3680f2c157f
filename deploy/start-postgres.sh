#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests (api/store runs against it
# when ICTINDEX_TEST_DATABASE_URL is set). Installs nothing: Debian's
# "postgresql" package must be there already.
#
#   deploy/start-postgres.sh [DIR] [PORT]
#
# DIR (default: a new temporary directory) holds the cluster, its socket and
# its log, all owned by the "postgres" OS user. The server listens on
# 127.0.0.1 only, on PORT when given, else on the first free port from 55432,
# trusts connections from loopback only, and has a database ictindex_test.
# Running it again on the same DIR restarts the cluster if it is stopped.
# The last line printed is the DSN:
#   postgres://postgres@127.0.0.1:PORT/ictindex_test?sslmode=disable
# Stop it (and remove DIR) with deploy/stop-postgres.sh DIR.
set -euo pipefail

dir="${1:-}"
want_port="${2:-}"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "start-postgres: PostgreSQL not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
  exit 1
fi

# as_pg runs a command as the postgres OS user (the server refuses root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# in_use reports whether something accepts connections on 127.0.0.1:$1.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/ictindex-pg.XXXXXX")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
run="$dir/run"
log="$dir/postgres.log"
touch "$dir/.ictindex-postgres"
mkdir -p "$run"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir" "$run" "$dir/.ictindex-postgres"
fi
chmod 0700 "$run"
if ! as_pg test -w "$dir"; then
  echo "start-postgres: the postgres user cannot write $dir (is a parent directory closed to it?)" >&2
  exit 1
fi

if [ -f "$data/PG_VERSION" ]; then
  port=$(sed -n "s/^port = \([0-9]*\).*/\1/p" "$data/postgresql.auto.conf" "$data/postgresql.conf" 2>/dev/null | tail -n1)
  if [ -n "$want_port" ] && [ "$want_port" != "$port" ]; then
    echo "start-postgres: the cluster in $dir listens on port $port, not $want_port" >&2
    exit 1
  fi
else
  if [ -n "$want_port" ]; then
    port="$want_port"
    if in_use "$port"; then
      echo "start-postgres: port $port on 127.0.0.1 is in use" >&2
      exit 1
    fi
  else
    port=55432
    while in_use "$port"; do
      port=$((port + 1))
      if [ "$port" -gt 55531 ]; then
        echo "start-postgres: no free port in 55432-55531" >&2
        exit 1
      fi
    done
  fi
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # Trust only the cluster's own socket and loopback IPv4.
  as_pg tee "$data/pg_hba.conf" >/dev/null <<HBA
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
HBA
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF

# ictindex test cluster: loopback only, speed over durability.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null || {
    tail -n 30 "$log" >&2 || true
    exit 1
  }
fi

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1)
if [ "$(as_pg "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ictindex_test'")" != "1" ]; then
  as_pg "${psql[@]}" -d postgres -c "CREATE DATABASE ictindex_test"
fi

echo "postgres://postgres@127.0.0.1:$port/ictindex_test?sslmode=disable"
