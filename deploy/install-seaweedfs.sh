#!/usr/bin/env bash
# Installs SeaweedFS's `weed` binary, a second S3 server (versioning, object
# lock) that the archive's tests can run against instead of MinIO:
#   ICTINDEX_TEST_S3=seaweedfs go test ./archive/
# Not part of deploy/install-deps.sh: the build takes about 7 minutes and
# ~230 MB, too long for every CI run.
#
# `go install module@version` refuses this module (its go.mod has replace
# directives), so the pinned version is downloaded into the module cache and
# built there with `go build`. Only when no weed binary is found:
# $ICTINDEX_WEED_BIN, then PATH, then where `go install` puts binaries. Safe
# to run again. Prints the binary's path.
set -euo pipefail

SEAWEEDFS_MODULE="github.com/seaweedfs/seaweedfs"
SEAWEEDFS_VERSION="v0.0.0-20261109003541-7506e5f91cd6" # weed version 4.53

if [ -n "${ICTINDEX_WEED_BIN:-}" ]; then
  if [ -x "$ICTINDEX_WEED_BIN" ]; then
    echo "weed: $ICTINDEX_WEED_BIN (from ICTINDEX_WEED_BIN)"
    exit 0
  fi
  echo "ICTINDEX_WEED_BIN=$ICTINDEX_WEED_BIN is not an executable file" >&2
  exit 1
fi

if path="$(command -v weed 2>/dev/null)"; then
  echo "weed: $path"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-seaweedfs: the Go toolchain is needed to build SeaweedFS (go not on PATH)" >&2
  exit 1
fi

bindir="$(go env GOBIN)"
if [ -z "$bindir" ]; then
  gopath="$(go env GOPATH)"
  bindir="${gopath%%:*}/bin"
fi

if [ ! -x "$bindir/weed" ]; then
  echo "install-seaweedfs: building SeaweedFS weed ($SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION), takes several minutes" >&2
  # Outside any module, so that this project's go.mod plays no part.
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  src="$(GOFLAGS=-mod=mod go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "$src" ] || [ ! -d "$src/weed" ]; then
    echo "install-seaweedfs: go mod download gave no source folder for $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" >&2
    exit 1
  fi
  mkdir -p "$bindir"
  (cd "$src" && go build -o "$bindir/weed.tmp" ./weed)
  mv "$bindir/weed.tmp" "$bindir/weed"
fi

if [ ! -x "$bindir/weed" ]; then
  echo "install-seaweedfs: the build finished but $bindir/weed is missing" >&2
  exit 1
fi
echo "weed: $bindir/weed"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "install-seaweedfs: note: $bindir is not on PATH; the tests find the binary there anyway" >&2 ;;
esac
