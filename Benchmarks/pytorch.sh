#!/usr/bin/env bash
# 1 GB pytorch_model.bin (torch.save of a llama-shaped f32 state dict) → safetensors: Tureen against
# `cp` and against the usual script (torch.load(weights_only=True) + safetensors.torch.save_file),
# alternated run by run. Needs torch: $TORCH_PYTHON (default .venv-torch/bin/python, `make peer-test`
# installs it). Data lives in $BENCH_DATA (default /tmp/tureen-bench), never in the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh

TUREEN=${TUREEN:-.build/release/tureen}
TORCH_PYTHON=${TORCH_PYTHON:-.venv-torch/bin/python}
DATA=${BENCH_DATA:-/tmp/tureen-bench}
INPUT=$DATA/pytorch_model.bin
mkdir -p "$DATA"
[ -f "$INPUT" ] || "$TORCH_PYTHON" -c '
import sys, torch
torch.manual_seed(0)
state = {}
for layer in range(16):
    for name, shape in [("self_attn.q_proj.weight", (1024, 1024)), ("self_attn.k_proj.weight", (1024, 1024)),
                        ("self_attn.v_proj.weight", (1024, 1024)), ("self_attn.o_proj.weight", (1024, 1024)),
                        ("mlp.gate_proj.weight", (2816, 1024)), ("mlp.up_proj.weight", (2816, 1024)),
                        ("mlp.down_proj.weight", (1024, 2816)), ("input_layernorm.weight", (1024,))]:
        state[f"model.layers.{layer}.{name}"] = torch.randn(shape)
state["model.embed_tokens.weight"] = torch.randn(32000, 1024)
torch.save(state, sys.argv[1])' "$INPUT"
WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/tureen-pt.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MEGABYTES=$(awk -v b="$(stat -c %s "$INPUT")" 'BEGIN { printf "%.0f", b / 1e6 }')
PEER='
import sys, torch
from safetensors.torch import save_file
save_file(torch.load(sys.argv[1], weights_only=True), sys.argv[2])'

cat "$INPUT" >/dev/null
echo "input: $INPUT ($MEGABYTES MB), outputs in $WORK, $(nproc) cores shared with other jobs (load: $(cut -d" " -f1-3 /proc/loadavg))"
echo
declare -A walls rss
labels=("cp" "cp + sync (durable, as tureen: it fsyncs before renaming)" "tureen convert" "torch.load + save_file")
for round in $(seq "${REPEAT:-3}"); do
    REPEAT=1 measure "cp" cp "$INPUT" "$WORK/copy.bin" >/dev/null
    walls[cp]+="$LAST_WALL "; rss[cp]=$LAST_RSS
    REPEAT=1 measure "cp+sync" sh -c 'cp "$1" "$2" && sync "$2"' sh "$INPUT" "$WORK/synced.bin" >/dev/null
    walls[cp + sync (durable, as tureen: it fsyncs before renaming)]+="$LAST_WALL "; rss[cp + sync (durable, as tureen: it fsyncs before renaming)]=$LAST_RSS
    REPEAT=1 measure "tureen" "$TUREEN" convert --force "$INPUT" "$WORK/tureen.safetensors" >/dev/null
    walls[tureen convert]+="$LAST_WALL "; rss[tureen convert]=$(( LAST_RSS > ${rss[tureen convert]:-0} ? LAST_RSS : ${rss[tureen convert]:-0} ))
    REPEAT=1 measure "peer" "$TORCH_PYTHON" -c "$PEER" "$INPUT" "$WORK/peer.safetensors" >/dev/null
    walls[torch.load + save_file]+="$LAST_WALL "; rss[torch.load + save_file]=$(( LAST_RSS > ${rss[torch.load + save_file]:-0} ? LAST_RSS : ${rss[torch.load + save_file]:-0} ))
    rm -f "$WORK"/*
done
median() { printf '%s\n' $1 | sort -g | awk '{ all[NR] = $1 } END { print all[int((NR + 1) / 2)] }'; }
echo "| command | wall s (median; runs) | peak RSS MB |"
echo "|---|---|---|"
for label in "${labels[@]}"; do
    echo "| $label | $(median "${walls[$label]}") (${walls[$label]% }) | ${rss[$label]} |"
done
echo
echo "tureen / cp: $(ratio "$(median "${walls[tureen convert]}")" "$(median "${walls[cp]}")"); tureen / (cp + sync): $(ratio "$(median "${walls[tureen convert]}")" "$(median "${walls[cp + sync (durable, as tureen: it fsyncs before renaming)]}")")"
