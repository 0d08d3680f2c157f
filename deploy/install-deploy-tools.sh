#!/usr/bin/env bash
# Installs the two tools the deployment files' tests run: kustomize (renders
# deploy/k8s) and docker-compose (checks deploy/compose/compose.yaml without a
# Docker engine). Both are built from source with the Go toolchain into the
# `go install` folder, only when the pinned version is not already there.
# Safe to run again. Compose cannot be `go install`ed (its go.mod has exclude
# directives), so it is built inside its downloaded module.
set -euo pipefail

KUSTOMIZE_VERSION="v5.8.2"   # later versions need a newer Go
COMPOSE_VERSION="v2.40.3"    # the last v2 release

command -v go >/dev/null 2>&1 || { echo "install-deploy-tools: the Go toolchain is needed (go not on PATH)" >&2; exit 1; }

bindir="$(go env GOBIN)"
if [ -z "$bindir" ]; then
  gopath="$(go env GOPATH)"
  bindir="${gopath%%:*}/bin"
fi
mkdir -p "$bindir"

if ! "$bindir/kustomize" version 2>/dev/null | grep -qx "$KUSTOMIZE_VERSION"; then
  echo "install-deploy-tools: building kustomize $KUSTOMIZE_VERSION" >&2
  GOFLAGS= go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
echo "kustomize: $bindir/kustomize ($("$bindir/kustomize" version))"

if ! "$bindir/docker-compose" version --short 2>/dev/null | grep -qx "${COMPOSE_VERSION#v}"; then
  echo "install-deploy-tools: building docker-compose $COMPOSE_VERSION (several minutes)" >&2
  dir="$(cd / && GOFLAGS= GO111MODULE=on go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { echo "install-deploy-tools: download of docker/compose $COMPOSE_VERSION gave no folder" >&2; exit 1; }
  (cd "$dir" && GOFLAGS= CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
    -o "$bindir/docker-compose" ./cmd)
fi
echo "docker-compose: $bindir/docker-compose ($("$bindir/docker-compose" version --short))"
