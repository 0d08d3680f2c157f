#!/usr/bin/env bash
# Installs the MinIO server binary that ictindex runs as a separate process
# (MinIO is AGPL: it is never linked into ictindex). Builds the pinned release
# from source with the Go toolchain (a few minutes, ~150 MB), only when no
# minio binary is found: $ICTINDEX_MINIO_BIN, then PATH, then where
# `go install` puts binaries. Safe to run again. Prints the binary's path.
set -euo pipefail

MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

if [ -n "${ICTINDEX_MINIO_BIN:-}" ]; then
  if [ -x "$ICTINDEX_MINIO_BIN" ]; then
    echo "minio: $ICTINDEX_MINIO_BIN (from ICTINDEX_MINIO_BIN)"
    exit 0
  fi
  echo "ICTINDEX_MINIO_BIN=$ICTINDEX_MINIO_BIN is not an executable file" >&2
  exit 1
fi

if path="$(command -v minio 2>/dev/null)"; then
  echo "minio: $path"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-minio: the Go toolchain is needed to build MinIO (go not on PATH)" >&2
  exit 1
fi

bindir="$(go env GOBIN)"
if [ -z "$bindir" ]; then
  gopath="$(go env GOPATH)"
  bindir="${gopath%%:*}/bin"
fi

if [ ! -x "$bindir/minio" ]; then
  echo "install-minio: building MinIO server ($MINIO_MODULE), takes a few minutes" >&2
  go install "$MINIO_MODULE"
fi

if [ ! -x "$bindir/minio" ]; then
  echo "install-minio: go install finished but $bindir/minio is missing" >&2
  exit 1
fi
echo "minio: $bindir/minio"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "install-minio: note: $bindir is not on PATH; ictindex finds the binary there anyway" >&2 ;;
esac
