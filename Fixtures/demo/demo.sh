#!/usr/bin/env bash
# `make demo`: a uniform soup of the bundled fine-tunes, a look at what came out, then the model
# soups paper's table in miniature (Fixtures/soups/demo.py).
set -euo pipefail
demo=$(cd "$(dirname "$0")" && pwd)
tureen=${TUREEN:-tureen}
out=${DEMO_OUT:-$(mktemp -d /tmp/tureen-demo.XXXXXX)}
mkdir -p "$out"
ingredients=("$demo"/finetune-*.*)
step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "Tureen demo: ${#ingredients[@]} fine-tunes of one tiny model, stored in: $(printf '%s\n' "${ingredients[@]##*.}" | sort -u | paste -sd, -)"
# numpy has no bfloat16: the .npz fine-tune holds untyped 2-byte values, which --assume-v2 reads as bf16.
step "$tureen" inspect "${ingredients[0]}"
step "$tureen" check "${ingredients[@]}" --assume-v2 bf16
step "$tureen" soup uniform "${ingredients[@]}" --assume-v2 bf16 -o "$out/soup.safetensors" --force
step "$tureen" soup weighted "${ingredients[@]}" --assume-v2 bf16 --weights 0.5,0.3,0.2 -o "$out/weighted.h5" --force
step "$tureen" convert "$out/soup.safetensors" "$out/soup-f32.safetensors" --dtype f32 --force
step "$tureen" diff "${ingredients[0]}" "$out/soup.safetensors" "$out/weighted.h5"
step "$tureen" inspect "$out/soup-f32.safetensors"

echo
echo "Model soups: 13 fine-tunes of one pretrained network on MNIST-1D (Fixtures/soups; Docs/soups.md)"
TUREEN=$tureen "${PYTHON:-python3}" "$demo/../soups/demo.py" --engine "${SOUPS_ENGINE:-tureen}" --out "$out/soups"
echo
echo "outputs are in $out"
