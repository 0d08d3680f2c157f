#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need,
# then vets and tests every package.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
export CI="${CI:-}"
# A throwaway PostgreSQL on a loopback port: the user store's tests run on
# it as well as on SQLite.
if [ -z "${ICTINDEX_TEST_DATABASE_URL:-}" ]; then
  pgdir=$(mktemp -d)
  trap 'deploy/stop-postgres.sh "$pgdir"' EXIT
  ICTINDEX_TEST_DATABASE_URL=$(deploy/start-postgres.sh "$pgdir" | tail -n1)
  export ICTINDEX_TEST_DATABASE_URL
fi
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
go vet ./...
# Temporal's determinism check on the workflows (its findings, and the
# functions declared deterministic with the reason, in the config file).
go install go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0
"$(go env GOPATH)/bin/workflowcheck" -config workflows/workflowcheck.config.yaml ./workflows/...
go test -count=1 ./...
