# Tern: `make run` sets up a fresh machine and runs the server; `make test` runs every test.
SWIFT ?= swift
CONFIG ?= examples/tern.cfg

.PHONY: all deps build release run test check clean

all: build

deps:
	scripts/deps.sh

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product tern

run: deps release
	.build/release/tern -f $(CONFIG) -E

# Builds the debug binary first: the integration tests start the real `tern`.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

check: release
	.build/release/tern -c -f $(CONFIG)

clean:
	rm -rf .build

-include bench.mk
