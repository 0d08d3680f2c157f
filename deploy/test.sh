#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need,
# then vets and tests every package.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
export CI="${CI:-}"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 ./...
