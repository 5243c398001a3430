#!/usr/bin/env bash
# HDF5 benchmark: a 1 GB LLaMA-shaped bf16 safetensors file → .h5 → safetensors, with Tureen
# (contiguous, and --compress) against `cp` and an h5py peer, in the same run. Prints a markdown
# table of wall seconds and peak RSS for Docs/benchmarks.md.
#
# usage: TUREEN=.build/release/tureen PYTHON=.venv/bin/python bash Benchmarks/hdf5.sh [INPUT.safetensors]
# Without INPUT it uses $BENCH_DATA/llama-bf16-0.safetensors if present, else generates one
# with Benchmarks/make_llama.py in a temporary folder. Outputs go to a temporary folder, removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
TUREEN=${TUREEN:-$here/../.build/release/tureen}
PYTHON=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/tureen-hdf5-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

input=${1:-${BENCH_DATA:-/tmp/tureen-bench}/llama-bf16-0.safetensors}
if [ ! -f "$input" ]; then
    input=$work/llama-bf16.safetensors
    "$PYTHON" "$here/make_llama.py" "$input"
fi

# The h5py peer: what a user would write with h5py, safetensors and ml_dtypes (bf16 stored as
# opaque bytes with a dtype attribute, as Keras 3 does). It holds one tensor at a time on the way
# in, and the whole model on the way out (safetensors' save_file takes a dict of arrays).
peer_to_h5='
import sys, h5py, ml_dtypes, numpy as np
from safetensors import safe_open
with safe_open(sys.argv[1], framework="np") as source, h5py.File(sys.argv[2], "w") as out:
    for name in source.keys():
        array = source.get_tensor(name)
        dataset = out.create_dataset(name.replace(".", "/"), data=array.view("V2") if array.dtype == ml_dtypes.bfloat16 else array)
        if array.dtype == ml_dtypes.bfloat16:
            dataset.attrs["dtype"] = "bfloat16"
'
peer_from_h5='
import sys, h5py, ml_dtypes, numpy as np
from safetensors.numpy import save_file
tensors = {}
with h5py.File(sys.argv[1], "r") as source:
    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            array = item[()]
            tensors[name.replace("/", ".")] = array.view(ml_dtypes.bfloat16) if item.attrs.get("dtype") == "bfloat16" else array
    source.visititems(visit)
save_file(tensors, sys.argv[2], metadata={"format": "pt"})
'

cat "$input" >/dev/null
size_mb=$(( $(stat -c %s "$input") / 1000000 ))
echo "input: $input ($size_mb MB), $(nproc) cores (shared with other jobs), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "cp safetensors → copy" cp "$input" "$work/copy.safetensors"
cp_wall=$LAST_WALL
rm -f "$work/copy.safetensors"
measure "cp + fsync (Tureen fsyncs its outputs)" bash -c 'cp "$1" "$2" && sync -f "$2"' _ "$input" "$work/copy.safetensors"
cp_sync_wall=$LAST_WALL
rm -f "$work/copy.safetensors"
measure "tureen safetensors → safetensors (same producer, for reference)" "$TUREEN" convert --force "$input" "$work/copy.safetensors"
rm -f "$work/copy.safetensors"
measure "tureen safetensors → h5 (contiguous)" "$TUREEN" convert --force "$input" "$work/model.h5"
to_h5=$LAST_WALL
measure "tureen h5 → safetensors" "$TUREEN" convert --force "$work/model.h5" "$work/back.safetensors"
from_h5=$LAST_WALL
cmp -s "$input" "$work/back.safetensors" && identical=yes || identical=NO
rm -f "$work/back.safetensors"
# STORED_ONLY=1 skips the gzip rows, which take minutes.
if [ "${STORED_ONLY:-0}" != 1 ]; then
    measure "tureen safetensors → h5 --compress (gzip + shuffle)" "$TUREEN" convert --force --compress "$input" "$work/model-gzip.h5"
    measure "tureen h5 (gzip) → safetensors" "$TUREEN" convert --force "$work/model-gzip.h5" "$work/back-gzip.safetensors"
    rm -f "$work/model-gzip.h5" "$work/back-gzip.safetensors"
fi
measure "h5py peer safetensors → h5" "$PYTHON" -c "$peer_to_h5" "$input" "$work/peer.h5"
peer_to=$LAST_WALL
measure "h5py peer h5 → safetensors" "$PYTHON" -c "$peer_from_h5" "$work/peer.h5" "$work/peer.safetensors"
peer_from=$LAST_WALL
echo
echo "round trip byte-identical: $identical"
echo "tureen vs cp: to h5 $(ratio "$to_h5" "$cp_wall")x, back $(ratio "$from_h5" "$cp_wall")x;" \
     "vs cp + fsync: to h5 $(ratio "$to_h5" "$cp_sync_wall")x, back $(ratio "$from_h5" "$cp_sync_wall")x;" \
     "tureen vs h5py peer: to h5 $(ratio "$to_h5" "$peer_to")x, back $(ratio "$from_h5" "$peer_from")x"
