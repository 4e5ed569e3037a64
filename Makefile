# kosmo — run `make demo` for the offline demo and `make test` for every test.

# Recipes run in bash with pipefail: `go test … | bin/testprogress` fails when go test does.
SHELL       := bash
.SHELLFLAGS := -e -o pipefail -c

GO          ?= go
BIN         := bin/kosmo
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# install puts kosmo in $(PREFIX)/bin when PREFIX is set, else in the first
# folder of GOPATH's bin (where `go install` puts it too; GOBIN aside).
PREFIX      ?=
BINDIR      ?= $(if $(PREFIX),$(PREFIX)/bin,$(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin)

.PHONY: all build install demo test scripts lint fmt clean mcp-client conformance fuzz bench rss

all: lint test

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kosmo

## install: build kosmo and copy it to $(go env GOPATH)/bin, or to $(PREFIX)/bin (make install PREFIX=/usr/local)
install: build
	install -d "$(BINDIR)"
	install -m 0755 $(BIN) "$(BINDIR)/kosmo"
	@echo "installed $(BINDIR)/kosmo: $$("$(BINDIR)/kosmo" version)"
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "$(BINDIR) is not on PATH; add it: export PATH=\"$(BINDIR):\$$PATH\"" ;; esac

## demo: build kosmo and run scripts/demo.lua against the built-in fake (offline)
demo: build
	./$(BIN) run --fake scripts/demo.lua

## test: every test, with the race detector, offline (example scripts included); progress as
## packages finish (go test's ok/FAIL lines, slow tests, what still runs after 20 s of silence,
## the output of failing tests), then "packages: N passed, N failed"
test:
	$(GO) build -o bin/testprogress ./internal/testprogress
	$(GO) test -json -race -count=1 ./... 2>&1 | bin/testprogress

## scripts: run every example script against the fake and check its output
scripts:
	$(GO) test -count=1 -run 'TestExampleScripts' ./cmd/kosmo

## conformance: every request and fake response checked against OpenAI's spec by Prism
conformance:
	bash conformance/run.sh

## fuzz: every fuzz target for FUZZTIME each (default 10s)
fuzz:
	bash .ci/fuzz.sh

## bench: the benchmarks, as ratios against baselines measured in the same run
bench:
	bash bench/run.sh

## rss: peak RSS against --max-memory for scripts that allocate without end (docs/reliability.md)
rss:
	bash bench/rss.sh

.PHONY: load
## load: three hosts sharing one account's rate budget (Redis) against a rate-limited fake, and
## the same without the shared budget (about two minutes; starts Redis when none is given)
load:
	bash bench/load.sh

## mcp-client: the official TypeScript MCP SDK as a client of `kosmo mcp serve --fake`
mcp-client:
	bash .ci/mcp-client.sh

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@# third_party/ is upstream code as upstream wrote it, its patches aside: vetted, not restyled
	$(GO) run $(STATICCHECK) $$($(GO) list ./... | grep -v /third_party/)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin

## lua-suite: Lua 5.1's own test suite (luasuite/, with the sandbox guards of luasuite/sandbox.patch)
## under kosmo, and under lua5.1 as a reference column where it is installed; fetches nothing
.PHONY: lua-suite
lua-suite: build
	$(GO) run ./luasuite -kosmo $(BIN)
