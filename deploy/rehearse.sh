#!/usr/bin/env bash
# A rehearsal of production on one machine, without Docker: on 127.0.0.1
# ports only, PostgreSQL (Debian's package), the official Temporal server
# built from its Go module with its schema set up by Temporal's SQL tool,
# MinIO distributed over four nodes (erasure coding, versioning, object
# lock), two `ictindex worker` and two `ictindex serve` processes sharing the
# users database on PostgreSQL, and nginx in front of the web replicas and
# of the MinIO nodes. The driver (cmd/rehearse) then plays the sample
# province's whole campaign through the HTTP API while it stops a MinIO
# node during the evidence uploads, kills a worker and a web replica and
# restarts the Temporal server; it checks that nothing acknowledged was
# lost and that the decision is published and locked, and prints its
# figures.
#
#   deploy/rehearse.sh        (or: make rehearse)
#   deploy/rehearse.sh --units 1000 [--no-faults] [--parallel 16] [--uploads 1]
#   deploy/rehearse.sh --embedded --units 1000
#
# --units N plays N synthetic units (the sample's submitting units cloned,
# coded U0000…) instead of the sample province; --no-faults plays without
# breaking anything; --embedded plays the same campaign, without faults,
# through the API of `ictindex dev` (the embedded default, one process)
# for comparison: PostgreSQL, nginx and the Temporal server are not used.
#
# Installs what is missing: postgresql and nginx with apt-get, MinIO with
# deploy/install-minio.sh, and the Temporal server and SQL tool with
# `go install` into a cache folder that later runs reuse
# (ICTINDEX_REHEARSE_CACHE, default ~/.cache/ictindex/temporal-VERSION):
# the server takes about 12 minutes to build the first time.
#
# Everything runs from a temporary folder that is removed at exit, with
# every process the rehearsal started. On failure (or with
# ICTINDEX_REHEARSE_KEEP_LOGS=1) the logs are copied to a folder whose name
# is printed. Exits 1 on any loss or failure.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "rehearse: $*" >&2; }

driver_args=()
embedded=
while [ $# -gt 0 ]; do
  case "$1" in
    --units|--parallel|--uploads)
      [ $# -ge 2 ] || { log "$1 needs a number"; exit 2; }
      driver_args+=("$1" "$2"); shift 2 ;;
    --no-faults) driver_args+=(--faults=false); shift ;;
    --embedded) embedded=1; driver_args+=(--embedded); shift ;;
    *) log "unknown option $1 (--units N, --no-faults, --parallel K, --uploads U, --embedded)"; exit 2 ;;
  esac
done

# apt_install installs Debian packages (as root, or through sudo).
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "installing $* with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

minio_bin=$(deploy/install-minio.sh | sed -n 's/^minio: \([^ ]*\).*/\1/p' | tail -n1)
[ -x "$minio_bin" ] || { log "MinIO binary not found ($minio_bin)"; exit 1; }

if [ -z "$embedded" ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
  nginx_bin=$(command -v nginx || true)
  [ -n "$nginx_bin" ] || [ ! -x /usr/sbin/nginx ] || nginx_bin=/usr/sbin/nginx
  if [ -z "$nginx_bin" ]; then
    apt_install nginx
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  fi

  # The Temporal server and its SQL tool at the version go.mod requires.
  version=$(go list -m -f '{{.Version}}' go.temporal.io/server)
  cache="${ICTINDEX_REHEARSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ictindex/temporal-${version#v}}"
  mkdir -p "$cache"
  if [ ! -x "$cache/server" ]; then
    log "building the Temporal server $version into $cache (about 12 minutes, once)"
    (cd "$cache" && GOBIN="$cache" CGO_ENABLED=0 go install -tags disable_grpc_modules "go.temporal.io/server/cmd/server@$version")
  fi
  if [ ! -x "$cache/sql" ]; then
    log "building Temporal's SQL tool $version into $cache"
    (cd "$cache" && GOBIN="$cache" CGO_ENABLED=0 go install "go.temporal.io/server/cmd/tools/sql@$version")
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ictindex-rehearse.XXXXXX")
# The postgres user and nginx's workers must reach their folders inside.
chmod 0711 "$work"

# cleanup kills what the rehearsal started (each process group the driver
# listed, if it is still that group), stops PostgreSQL, keeps the logs of
# a failed run and removes the folder.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$work/run/pids" ]; then
    while read -r pid name; do
      if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ]; then
        kill -KILL -- "-$pid" 2>/dev/null || true
      fi
    done <"$work/run/pids"
  fi
  if [ -d "$work/pg" ]; then
    deploy/stop-postgres.sh "$work/pg" || true
  fi
  if { [ "$rc" -ne 0 ] || [ -n "${ICTINDEX_REHEARSE_KEEP_LOGS:-}" ]; } && [ -d "$work/run/logs" ]; then
    keep=$(mktemp -d "${TMPDIR:-/tmp}/ictindex-rehearse-logs.XXXXXX")
    cp -r "$work/run/logs/." "$keep/"
    log "logs kept in $keep"
  fi
  rm -rf -- "$work"
  log "finished in ${SECONDS}s, builds and clean-up included (status $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building ictindex and the driver"
go build -o "$work/bin/ictindex" ./cmd/ictindex
go build -o "$work/bin/rehearse" ./cmd/rehearse

mkdir -p "$work/run"
if [ -n "$embedded" ]; then
  "$work/bin/rehearse" --dir "$work/run" --ictindex "$work/bin/ictindex" --minio "$minio_bin" "${driver_args[@]}"
  exit
fi

dsn=$(deploy/start-postgres.sh "$work/pg" | tail -n1)
pg_port=$(echo "$dsn" | sed -n 's#.*@127\.0\.0\.1:\([0-9]*\)/.*#\1#p')
log "PostgreSQL on 127.0.0.1:$pg_port"

"$work/bin/rehearse" --dir "$work/run" --pg-port "$pg_port" \
  --ictindex "$work/bin/ictindex" --temporal "$cache/server" --sql-tool "$cache/sql" \
  --minio "$minio_bin" --nginx "$nginx_bin" ${driver_args[@]+"${driver_args[@]}"}
