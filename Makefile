# Tureen: `make demo` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
APT_PACKAGES := libhdf5-dev zlib1g-dev pkg-config
RELEASE_BIN := .build/release/tureen
# The soup and cast kernels are vectorised loops: release builds are tuned for the building
# machine's CPU (AVX-512 or AVX2 and FMA where it has them, as -march=native does). `make release
# PORTABLE=1` builds for any CPU of the architecture, for a binary that will run elsewhere.
CPU_FLAGS := $(if $(PORTABLE),,-Xswiftc -target-cpu -Xswiftc native)

TORCH_VENV := .venv-torch

# The release number (`tureen --version`, the wheel's name) is kept in one place, the CLI's source.
VERSION := $(shell sed -n 's/.*static let number = "\(.*\)"/\1/p' Sources/TureenCLI/VersionText.swift)
GIT_COMMIT_HEADER := Sources/CTureenBuildInfo/git_commit.h
# Where `make install` puts the binary, the man page and the shell completions.
PREFIX ?= /usr/local
# The man page and completions, generated from the argument definitions.
SHARE := .build/share
MAN_PAGE := $(SHARE)/man/man1/tureen.1

.PHONY: all setup system-packages python soups-python git-commit build release man completions install test unit-test interop-test demo fixtures soups soups-study bench fuzz peer-test pytorch-fixtures gguf-fixtures clean

all: build

setup: system-packages python

# Installs what is missing from Debian's packages: the C libraries the formats link against, and
# venv support for a Debian python3 (which ships without it).
system-packages:
	@missing=""; \
	(command -v pkg-config >/dev/null && pkg-config --exists hdf5 zlib) || missing="$(APT_PACKAGES)"; \
	python3 -c "import venv, ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# A virtual environment with the reference libraries the interop tests compare against.
python: $(VENV)/.installed

$(VENV)/.installed: Tests/interop/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r Tests/interop/requirements.txt
	touch $@

# MNIST-1D's generator, for regenerating the soups demo's data (`make soups`) only.
soups-python: $(VENV)/.soups-installed

$(VENV)/.soups-installed: $(VENV)/.installed Fixtures/soups/requirements.txt
	$(PYTHON) -m pip install -q -r Fixtures/soups/requirements.txt
	touch $@

# The commit `tureen --version` prints, rewritten only when it changes (an unchanged tree does not
# relink); build_info.c is touched so that a build that ran before the header existed notices it.
git-commit:
	@commit="$$(git describe --always --dirty 2>/dev/null || echo unknown)"; \
	line="#define TUREEN_GIT_COMMIT \"$$commit\""; \
	if [ "$$(cat $(GIT_COMMIT_HEADER) 2>/dev/null)" != "$$line" ]; then \
		echo "$$line" > $(GIT_COMMIT_HEADER); touch Sources/CTureenBuildInfo/build_info.c; \
	fi

build: system-packages git-commit
	swift build

release: system-packages git-commit
	swift build -c release $(CPU_FLAGS)

# The man page, from swift-argument-parser's manual plugin. It runs on the debug build, which
# `make test` has already made: the page does not depend on the build's configuration, and a
# release build of the plugin's own flags would replace the tuned one in .build/release.
man: system-packages git-commit
	swift package generate-manual --configuration debug
	mkdir -p $(dir $(MAN_PAGE))
	cp .build/plugins/GenerateManual/outputs/TureenCLI/tureen.1 $(MAN_PAGE)

# Shell completion scripts, from the binary's own --generate-completion-script.
completions: release
	mkdir -p $(SHARE)/completions
	for shell in bash zsh fish; do $(RELEASE_BIN) --generate-completion-script $$shell > $(SHARE)/completions/tureen.$$shell; done

# `make install PREFIX=~/.local`: the release binary, the man page and the completions where
# man, bash-completion, zsh and fish look for them under PREFIX.
install: release man completions
	install -D -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/tureen
	install -D -m 644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man1/tureen.1
	install -D -m 644 $(SHARE)/completions/tureen.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tureen
	install -D -m 644 $(SHARE)/completions/tureen.zsh $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tureen
	install -D -m 644 $(SHARE)/completions/tureen.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tureen.fish

unit-test: system-packages git-commit
	swift test --disable-swift-testing

interop-test: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) $(PYTHON) -m pytest -q Tests/interop

test: unit-test interop-test

# SOUPS_ENGINE=reference makes the demo's greedy and learned soups with the numpy reference instead.
SOUPS_ENGINE ?= tureen

demo: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) PYTHON=$(abspath $(PYTHON)) SOUPS_ENGINE=$(SOUPS_ENGINE) bash Fixtures/demo/demo.sh

# Rewrites Fixtures/ with the reference libraries.
fixtures: python
	$(PYTHON) Fixtures/make_fixtures.py

# Rewrites the soups demo's data and fine-tunes (Fixtures/soups), deterministically.
soups: soups-python
	$(PYTHON) Fixtures/soups/train.py --make-data

# Trains and soups eight seeds' fine-tunes and writes Docs/soups.md (a few minutes).
soups-study: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) $(PYTHON) Fixtures/soups/study.py --engine $(SOUPS_ENGINE)

bench: setup release
	@command -v /usr/bin/time >/dev/null || (apt-get update -qq && apt-get install -y -qq time)
	REPEAT=$${REPEAT:-3} TUREEN=$(abspath $(RELEASE_BIN)) PYTHON=$(abspath $(PYTHON)) bash Benchmarks/run.sh

# Coverage-guided fuzzing of the parsers (libFuzzer + AddressSanitizer), FUZZ_SECONDS per harness.
fuzz: system-packages
	bash Fuzz/run.sh $${FUZZ_SECONDS:-30}

# torch itself (large) in a separate venv, never installed by `make test`.
$(TORCH_VENV)/.installed: system-packages
	python3 -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/pip install -q torch numpy safetensors pytest gguf
	touch $@

# Compares Tureen with torch.load(weights_only=True) on the PyTorch fixtures and loads what Tureen writes.
peer-test: release $(TORCH_VENV)/.installed
	TUREEN=$(abspath $(RELEASE_BIN)) $(TORCH_VENV)/bin/python -m pytest -q Tests/peer

# Rewrites Fixtures/pytorch/ with torch.
pytorch-fixtures: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python Fixtures/make_pytorch_fixtures.py

# Rewrites Fixtures/gguf/ with gguf-py (llama.cpp's Python package, installed beside torch).
gguf-fixtures: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python Fixtures/make_gguf_fixtures.py

clean:
	rm -rf .build $(VENV)
