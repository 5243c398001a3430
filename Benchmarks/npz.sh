#!/usr/bin/env bash
# 1 GB bf16 safetensors → npz → safetensors: Tureen against `cp` and against the numpy peer
# (safetensors.numpy.load_file + np.savez / np.savez_compressed), all in the same run.
# Data lives in $BENCH_DATA (default /tmp/tureen-bench) and a temporary folder, never in the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh

TUREEN=${TUREEN:-.build/release/tureen}
PYTHON=${PYTHON:-.venv/bin/python}
DATA=${BENCH_DATA:-/tmp/tureen-bench}
INPUT=$DATA/llama-bf16-0.safetensors
mkdir -p "$DATA"
[ -f "$INPUT" ] || "$PYTHON" Benchmarks/make_llama.py "$INPUT"
# BENCH_TMP=/dev/shm takes the disk (and the fsync every commit makes) out of the comparison.
WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/tureen-npz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MEGABYTES=$(awk -v b="$(stat -c %s "$INPUT")" 'BEGIN { printf "%.0f", b / 1e6 }')

NUMPY_SAVEZ='
import sys, warnings, ml_dtypes, numpy as np
from safetensors.numpy import load_file
warnings.simplefilter("ignore")
getattr(np, sys.argv[3])(sys.argv[2], **load_file(sys.argv[1]))'
NUMPY_LOAD='
import sys, ml_dtypes, numpy as np
from safetensors.numpy import save_file
with np.load(sys.argv[1]) as archive:
    tensors = {name: archive[name] for name in archive.files}
save_file({name: (a.view(ml_dtypes.bfloat16) if a.dtype.kind == "V" else a) for name, a in tensors.items()}, sys.argv[2])'

cat "$INPUT" >/dev/null
echo "input: $INPUT ($MEGABYTES MB), outputs in $WORK, $(nproc) cores shared with other jobs (load: $(cut -d" " -f1-3 /proc/loadavg))"
echo
echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "cp (safetensors copy)" cp "$INPUT" "$WORK/copy.safetensors"
CP=$LAST_WALL
measure "cp + sync (durable, as Tureen commits)" sh -c 'cp "$1" "$2" && sync "$2"' sh "$INPUT" "$WORK/copy-synced.safetensors"
CP_SYNC=$LAST_WALL
measure "tureen safetensors → safetensors (pipeline baseline)" "$TUREEN" convert --force "$INPUT" "$WORK/baseline.safetensors"
BASELINE=$LAST_WALL
rm -f "$WORK"/*.safetensors
measure "tureen safetensors → npz (stored)" "$TUREEN" convert --force "$INPUT" "$WORK/tureen.npz"
TO_NPZ=$LAST_WALL
measure "tureen npz → safetensors" "$TUREEN" convert --force "$WORK/tureen.npz" "$WORK/tureen.safetensors"
FROM_NPZ=$LAST_WALL
cmp "$INPUT" "$WORK/tureen.safetensors" && echo "| round trip byte-identical | yes | - |"
measure "numpy load_file + np.savez" "$PYTHON" -c "$NUMPY_SAVEZ" "$INPUT" "$WORK/numpy.npz" savez
measure "numpy np.load + save_file" "$PYTHON" -c "$NUMPY_LOAD" "$WORK/numpy.npz" "$WORK/numpy.safetensors"
rm -f "$WORK"/*.npz "$WORK"/*.safetensors
echo
echo "stored → npz vs cp: $(ratio "$TO_NPZ" "$CP")x, vs cp + sync: $(ratio "$TO_NPZ" "$CP_SYNC")x, vs safetensors → safetensors: $(ratio "$TO_NPZ" "$BASELINE")x"
echo "npz → safetensors vs cp: $(ratio "$FROM_NPZ" "$CP")x, vs cp + sync: $(ratio "$FROM_NPZ" "$CP_SYNC")x, vs safetensors → safetensors: $(ratio "$FROM_NPZ" "$BASELINE")x"
# STORED_ONLY=1 skips the deflate rows, which take minutes.
[ "${STORED_ONLY:-0}" = 1 ] && exit 0
echo
echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "tureen safetensors → npz --compress" "$TUREEN" convert --force --compress "$INPUT" "$WORK/tureen-deflated.npz"
TUREEN_DEFLATE=$LAST_WALL
LAST_WALL=0
measure "numpy load_file + np.savez_compressed" "$PYTHON" -c "$NUMPY_SAVEZ" "$INPUT" "$WORK/numpy-deflated.npz" savez_compressed
NUMPY_DEFLATE=$LAST_WALL
measure "tureen deflated npz → safetensors" "$TUREEN" convert --force "$WORK/tureen-deflated.npz" "$WORK/from-deflated.safetensors"
INFLATE=$LAST_WALL
cmp "$INPUT" "$WORK/from-deflated.safetensors" && echo "| deflated round trip byte-identical | yes | - |"
echo
echo "deflate: tureen $(ratio "$MEGABYTES" "$TUREEN_DEFLATE") MB/s, np.savez_compressed $(ratio "$MEGABYTES" "$NUMPY_DEFLATE") MB/s; inflate: tureen $(ratio "$MEGABYTES" "$INFLATE") MB/s"
echo "deflated size: $(stat -c %s "$WORK/tureen-deflated.npz") bytes (tureen), $(stat -c %s "$WORK/numpy-deflated.npz") bytes (numpy)"
