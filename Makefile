# The two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run test setup build fuzz bench

## Install what is missing, build in release and serve on http://127.0.0.1:3000
run: setup build
	mkdir -p data
	SEED_DEMO=$${SEED_DEMO:-true} LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD LEPTOS_HASH_FILES=true ./target/release/server

## Install what is missing, then fmt, clippy, Rust tests (SQLite + PostgreSQL), end-to-end tests
test:
	./scripts/setup.sh test
	./scripts/test.sh

setup:
	./scripts/setup.sh

build:
	./scripts/build-release.sh

## Fuzz every cargo-fuzz target for FUZZ_SECONDS each (default 600); not part of `make test`
fuzz:
	./scripts/fuzz.sh

## The benchmarks at a million reports on SQLite and PostgreSQL, written into BENCHMARKS.md
## (about 8 minutes; not part of `make test`)
bench: setup
	./scripts/bench.sh
