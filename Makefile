# Talabin developer tasks. `make` (or `make help`) lists them.
#
# Tools are pinned in tools/go.mod and run with `go tool -modfile=tools/go.mod ...`, so the
# library's importers do not inherit them.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO         ?= go
TOOL       := $(GO) tool -modfile=tools/go.mod
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -X main.version=$(VERSION)
# Extra flags for go test, e.g. make test TEST_FLAGS='-run TestReadyz -v'.
TEST_FLAGS ?=

.PHONY: help
help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target>\n\nTargets:\n"} \
		/^[a-zA-Z0-9_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Start the app on its embedded defaults (DEBUG=true) at http://localhost:8000
	DEBUG=true $(GO) run ./app/cmd/talabin serve

.PHONY: build
build: ## Build bin/talabin stamped with VERSION
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/talabin ./app/cmd/talabin

# make test measures statement coverage over the library (core and adapters, generated sqlc
# code and the adapters' fake servers included) as the whole suite exercises it: -coverpkg
# counts a store query run by an app test. It prints the total, and a full run (no TEST_FLAGS)
# fails under COVERAGE_MIN percent; a narrowed run only prints it.
COVERAGE_PKGS := ./core/...,./adapters/...
COVERAGE_MIN  ?= 80

.PHONY: test
test: ## Run every test, integration suites included, and print coverage of core and adapters (TEST_FLAGS adds go test flags)
	$(GO) test -tags=integration -count=1 -coverpkg='$(COVERAGE_PKGS)' -coverprofile=coverage.out $(TEST_FLAGS) ./...
	@total=$$($(GO) tool cover -func=coverage.out | awk '$$1 == "total:" {sub(/%$$/, "", $$NF); print $$NF}'); \
		echo "coverage: $$total% of statements in core and adapters (minimum $(COVERAGE_MIN)%, details: go tool cover -func=coverage.out)"; \
		if [ -z '$(TEST_FLAGS)' ] && ! awk -v total="$$total" -v min='$(COVERAGE_MIN)' 'BEGIN {exit !(total + 0 >= min + 0)}'; then \
			echo "coverage: $$total% is below COVERAGE_MIN=$(COVERAGE_MIN)%" >&2; exit 1; fi

.PHONY: test-short
test-short: ## Run the fast tests only (-short skips integration suites)
	$(GO) test -short -count=1 $(TEST_FLAGS) ./...

.PHONY: test-race
test-race: ## Run every test under the race detector
	$(GO) test -race -tags=integration -count=1 $(TEST_FLAGS) ./...

.PHONY: bench
bench: ## Run the Go benchmarks (no tests)
	$(GO) test -run '^$$' -bench . $(TEST_FLAGS) ./...

.PHONY: bench-ledger
bench-ledger: ## Benchmark buy journals at concurrency 16 and 64 on PostgreSQL and SQLite (needs TALABIN_TEST_DATABASE_URL)
	$(GO) test -tags=integration -run '^$$' -bench '^BenchmarkLedgerBuy$$' -benchtime 20000x -count 1 $(TEST_FLAGS) ./integration/

# Extra flags for the HTTP load driver, e.g. make bench-http HTTPBENCH_FLAGS='-duration 30s -cpuprofile place.pprof'.
HTTPBENCH_FLAGS ?=

.PHONY: bench-http
bench-http: ## Load-test the HTTP API in-process: current price, place_order on PostgreSQL (needs TALABIN_TEST_DATABASE_URL)
	$(GO) run ./integration/cmd/httpbench $(HTTPBENCH_FLAGS)

# The load scenarios of `make load`: all, orders, prices or mixed; DURATION overrides each
# scenario's length (orders 30s, prices 30s, mixed 60s; DURATION=10m for the sustained run),
# LOAD_FLAGS adds flags such as -strict (exit 1 when a latency objective is missed).
SCENARIO   ?= all
DURATION   ?=
LOAD_FLAGS ?=

.PHONY: load
load: ## Run the load scenarios on PostgreSQL, results in load-results/ (SCENARIO=orders|prices|mixed, DURATION=10m; needs TALABIN_TEST_DATABASE_URL)
	$(GO) run ./integration/cmd/loadtest -scenario '$(SCENARIO)' $(if $(DURATION),-duration '$(DURATION)') $(LOAD_FLAGS)

.PHONY: test-soak
test-soak: ## The long suites: 60 s bank runs, 20 SIGKILL crash points in the ledger and 20 in the app
	TALABIN_BANK_DURATION=60s TALABIN_CRASH_POINTS=20 TALABIN_FAULT_KILL_POINTS=20 $(GO) test -tags=integration -count=1 -timeout 60m \
		-run '^(TestBank|TestCrash|TestFaultSIGKILLUnderOrderLoad)$$' -v $(TEST_FLAGS) ./integration/ ./integration/fault/

# Seeds of `make sim`, e.g. make sim SIM_SEEDS=100000; replay one with
# go test -tags=integration -run TestSimulation ./integration/sim/ -seed=N.
SIM_SEEDS ?= 20000

.PHONY: sim
sim: ## The deterministic simulation over SIM_SEEDS seeds (make test runs 1,000)
	TALABIN_SIM_SEEDS=$(SIM_SEEDS) $(GO) test -tags=integration -count=1 -timeout 0 \
		-run '^TestSimulation$$' $(TEST_FLAGS) ./integration/sim/

.PHONY: docs
docs: ## Regenerate docs/configuration.md from app/config.Config
	$(GO) run ./app/cmd/envdoc -config app/config -o docs/configuration.md

# The dump to check, e.g. make restore-check DUMP=talabin-20261204T033000Z.dump.
DUMP ?=

.PHONY: restore-check
restore-check: ## Build bin/talabin, restore DUMP into a scratch database and verify it (PG* or RESTORE_CHECK_URL)
	@if [ -z '$(DUMP)' ]; then echo 'usage: make restore-check DUMP=path/to/talabin.dump' >&2; exit 2; fi
	$(MAKE) --no-print-directory build
	TALABIN=bin/talabin scripts/ops/restore-check.sh '$(DUMP)'

.PHONY: generate
generate: ## Regenerate sqlc code (when sqlc.yaml exists) and app/wire_gen.go
	@if [ -f sqlc.yaml ]; then echo '$(TOOL) sqlc generate'; $(TOOL) sqlc generate; fi
	$(TOOL) wire gen ./app

.PHONY: lint
lint: ## Run golangci-lint (.golangci.yml)
	$(TOOL) golangci-lint run ./...

.PHONY: tidy
tidy: ## Tidy go.mod and go.sum of the module and of the tools module
	$(GO) mod tidy
	cd tools && $(GO) mod tidy

# verify runs every check even after one fails when called as `make -k verify`.
VERIFY_STEPS := verify-fmt verify-vet verify-lint verify-sqlc verify-wire verify-mod verify-deps verify-docs

.PHONY: verify $(VERIFY_STEPS)
verify: $(VERIFY_STEPS) ## Check formatting, vet, lint, generated-code drift, tidiness and the dependency rule

verify-fmt:
	@echo '==> gofmt -l'
	@unformatted="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go'))"; \
		if [ -n "$$unformatted" ]; then echo "not gofmt-ed:"; echo "$$unformatted"; exit 1; fi

verify-vet:
	@echo '==> go vet'
	$(GO) vet -tags=integration ./...

verify-lint:
	@echo '==> golangci-lint'
	$(TOOL) golangci-lint run ./...

verify-sqlc:
	@if [ -f sqlc.yaml ]; then echo '==> sqlc diff'; $(TOOL) sqlc diff; \
		else echo '==> sqlc diff: skipped, no sqlc.yaml'; fi

# `wire diff` regenerates in memory and compares with app/wire_gen.go on disk (exit 1 on
# drift), so it also catches a wire_gen.go that was never committed.
verify-wire:
	@echo '==> wire diff'
	$(TOOL) wire diff ./app

verify-mod:
	@echo '==> go mod tidy -diff'
	$(GO) mod tidy -diff
	cd tools && $(GO) mod tidy -diff

verify-deps:
	@echo '==> dependency rule'
	$(GO) test -count=1 -run '^(TestDependencyRule|TestDependencyRuleChecker|TestEveryRuleIsReachable)$$' .

# docs/configuration.md is generated from app/config.Config (make docs).
verify-docs:
	@echo '==> docs/configuration.md drift'
	$(GO) test -count=1 -run '^TestConfigurationDocMatchesConfigStruct$$' ./app/cmd/envdoc/
