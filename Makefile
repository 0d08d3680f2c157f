# The two set-up commands: `make demo` runs the main job, `make test` the
# whole test suite. Both work on a fresh machine with Go installed.
.PHONY: demo test build bench

demo:
	deploy/install-deps.sh
	go run ./cmd/ictindex demo

test:
	deploy/test.sh

build:
	go build -o bin/ictindex ./cmd/ictindex

bench:
	go test ./scoring -run '^$$' -bench . -benchmem
