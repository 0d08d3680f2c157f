# The two set-up commands: `make dev` runs the main job (the embedded stack
# serving the web pages), `make test` the whole test suite. Both work on a
# fresh machine with Go installed. `make demo` plays a whole campaign.
# `make rehearse` rehearses production on this machine (not part of `make
# test`: see README).
.PHONY: dev demo test build bench rehearse

dev:
	deploy/install-deps.sh
	go run ./cmd/ictindex dev

demo:
	deploy/install-deps.sh
	go run ./cmd/ictindex demo

test:
	deploy/test.sh

build:
	go build -o bin/ictindex ./cmd/ictindex

bench:
	go test ./scoring -run '^$$' -bench . -benchmem

rehearse:
	deploy/rehearse.sh
