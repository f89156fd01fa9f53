# gnos — see README.md. `make run` and `make test` set up everything they
# need on a fresh machine (Debian packages, Go tools), idempotently.

export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
GO      ?= go
BIN     := bin/gnos
DATA    ?= .gnos-data
PKGS    := ./...
BENCHTIME ?= 1x

.PHONY: all build run test unit lint generate check-generated yanglint bench deps fuzz clean

all: build

## build: compile bin/gnos
build:
	$(GO) build -o $(BIN) ./cmd/gnos

## run: build and start gnos with every daemon embedded and the CLI attached
run: build
	./$(BIN) run --data $(DATA)

## deps: install what the tests need (Debian packages), when missing
deps:
	@bash scripts/deps.sh

## test: the whole suite (what CI runs)
test: deps yanglint check-generated lint unit

unit:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## lint: gofmt, a tidy go.mod, go vet and staticcheck (a Go tool pinned in go.mod)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum untidy: run go mod tidy"; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

## yanglint: validate every YANG module with libyang's yanglint
yanglint:
	@bash scripts/yanglint.sh

## generate: regenerate the ygot Go types of the gNMI state module (yang/state)
generate:
	@bash scripts/generate.sh

## check-generated: fail when yang/state/state.go is stale
check-generated:
	@bash scripts/check-generated.sh

## bench: measure every SPEC.md performance target, rewrite docs/performance.md and docs/perf/*.svg
##   PROFILE=1 (CPU profiles, hot spots in the report), BENCH_QUICK=1 (short check, writes nothing),
##   BENCH=regexp (only those suites: datapath sessions commit-load commit-leaf pic-ack pic-sync cli netconf live startup)
bench: build deps
	$(GO) build -o bin/gnos-bench ./cmd/gnos-bench
	./bin/gnos-bench $(if $(PROFILE),-profile) $(if $(BENCH_QUICK),-quick) $(if $(BENCH),-only '$(BENCH)')

## fuzz: run each fuzz target for FUZZTIME (default 10s)
fuzz:
	@bash scripts/fuzz.sh

clean:
	rm -rf bin $(DATA)

## soak: fault injection (SIGKILL of daemon and picd under commits and traffic) and the 100+20 session load test, longer than in `make test` (SOAK_ROUNDS, LOAD_TIME; docs/reliability.md)
.PHONY: soak
soak:
	@bash scripts/soak.sh
