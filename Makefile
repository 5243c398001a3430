# Tureen: `make demo` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
APT_PACKAGES := libhdf5-dev zlib1g-dev pkg-config
RELEASE_BIN := .build/release/tureen
# The soup and cast kernels vectorise 4-wide with AVX2 and FMA: release builds use them when the
# building machine has them (as -march=native would), and stay portable x86-64 otherwise.
CPU_FLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo "-Xswiftc -target-cpu -Xswiftc haswell")

.PHONY: all setup system-packages python build release test unit-test interop-test demo fixtures bench clean

all: build

setup: system-packages python

# Installs the C libraries the formats link against, only when one is missing.
system-packages:
	@if ! (command -v pkg-config >/dev/null && pkg-config --exists hdf5 zlib); then \
		echo "installing $(APT_PACKAGES)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES); \
	fi

# A virtual environment with the reference libraries the interop tests compare against.
python: $(VENV)/.installed

$(VENV)/.installed: Tests/interop/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r Tests/interop/requirements.txt
	touch $@

build: system-packages
	swift build

release: system-packages
	swift build -c release $(CPU_FLAGS)

unit-test: system-packages
	swift test

interop-test: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) $(PYTHON) -m pytest -q Tests/interop

test: unit-test interop-test

demo: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) bash Fixtures/demo/demo.sh

# Rewrites Fixtures/ with the reference libraries.
fixtures: python
	$(PYTHON) Fixtures/make_fixtures.py

bench: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) PYTHON=$(abspath $(PYTHON)) bash Benchmarks/run.sh

clean:
	rm -rf .build $(VENV)
