#!/usr/bin/env bash
# Installs mergekit 0.1.5 into its own venv (default .venv-mergekit) without downloading torch
# again: the venv sees .venv-torch's packages (CPU torch, transformers, safetensors, pydantic…)
# through a .pth file, and mergekit and the few modules it imports that .venv-torch lacks are
# installed with --no-deps (and ml_dtypes, which make_llama.py needs). Prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MERGEKIT_VENV:-.venv-mergekit}
TORCH_PYTHON=${TORCH_PYTHON:-.venv-torch/bin/python}
if [ ! -x "$VENV/bin/mergekit-pytorch" ]; then
    python3 -m venv "$VENV"
    torch_site=$("$TORCH_PYTHON" -c "import site; print(site.getsitepackages()[0])")
    own_site=$("$VENV/bin/python" -c "import site; print(site.getsitepackages()[0])")
    echo "$torch_site" > "$own_site/torch-venv.pth"
    "$VENV/bin/pip" install -q --no-deps mergekit==0.1.5 immutables peft accelerate ml_dtypes >&2
fi
"$VENV/bin/mergekit-pytorch" --help >/dev/null
echo "$VENV/bin/python"
