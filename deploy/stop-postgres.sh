#!/usr/bin/env bash
# Stops a cluster started by deploy/start-postgres.sh DIR and removes DIR.
#
#   deploy/stop-postgres.sh DIR
#
# Only a directory that start-postgres.sh made (it holds .ictindex-postgres)
# is removed. Set KEEP=1 to stop the server but keep the directory.
set -euo pipefail

dir="${1:?usage: deploy/stop-postgres.sh DIR}"
[ -d "$dir" ] || exit 0
if [ ! -e "$dir/.ictindex-postgres" ]; then
  echo "stop-postgres: $dir was not made by start-postgres.sh; leaving it alone" >&2
  exit 1
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -f "$dir/data/PG_VERSION" ] && [ -x "$bin/pg_ctl" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 &&
      runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  else
    "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 &&
      "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
fi

[ "${KEEP:-}" = "1" ] || rm -rf -- "$dir"
