# kosmo — run `make demo` for the offline demo and `make test` for every test.

GO          ?= go
BIN         := bin/kosmo
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build demo test scripts lint fmt clean mcp-client conformance fuzz bench

all: lint test

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kosmo

## demo: build kosmo and run scripts/demo.lua against the built-in fake (offline)
demo: build
	./$(BIN) run --fake scripts/demo.lua

## test: every test, with the race detector, offline (example scripts included)
test:
	$(GO) test -race -count=1 ./...

## scripts: run every example script against the fake and check its output
scripts:
	$(GO) test -count=1 -run 'TestExampleScripts' ./cmd/kosmo

## conformance: every request and fake response checked against OpenAI's spec by Prism
conformance:
	bash conformance/run.sh

## fuzz: every fuzz target for FUZZTIME each (default 10s)
fuzz:
	bash .ci/fuzz.sh

## bench: the four benchmarks, as ratios against baselines measured in the same run
bench:
	bash bench/run.sh

## mcp-client: the official TypeScript MCP SDK as a client of `kosmo mcp serve --fake`
mcp-client:
	bash .ci/mcp-client.sh

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
