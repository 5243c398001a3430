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
KERAS_VENV := .venv-keras

.PHONY: all setup system-packages python soups-python build release test unit-test interop-test demo fixtures soups soups-study bench fuzz peer-test pytorch-fixtures gguf-fixtures keras-test keras-fixtures huggingface-fixtures clean

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

build: system-packages
	swift build

release: system-packages
	swift build -c release $(CPU_FLAGS)

unit-test: system-packages
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
