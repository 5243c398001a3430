#!/usr/bin/env bash
# Keras benchmark: what reading a .keras archive's model.weights.h5 in place (Tureen's byte driver)
# saves over extracting it to a temporary file first, on a ~1 GB archive (Benchmarks/make_keras.py);
# the writer's cost (libhdf5's layout in memory, then the member streamed into the zip) against the
# seeking .weights.h5 writer; and Keras' own way to read the weights (the member read into memory,
# then h5py), as the peer. Prints a markdown table for Docs/keras.md.
#
# usage: TUREEN=.build/release/tureen PYTHON=.venv/bin/python REPEAT=3 bash Benchmarks/keras.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
TUREEN=${TUREEN:-$here/../.build/release/tureen}
PYTHON=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/tureen-keras-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$PYTHON" "$here/make_keras.py" "$work/big.keras" "$work/big.weights.h5"
extract='
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive, archive.open("model.weights.h5") as member, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(member, out, 1 << 20)
'
# Keras 3 load_model reads the member into memory when it fits (saving_lib.py), then h5py reads it.
peer='
import io, sys, zipfile, h5py
from safetensors.numpy import save_file
with zipfile.ZipFile(sys.argv[1]) as archive:
    data = io.BytesIO(archive.read("model.weights.h5"))
tensors = {}
with h5py.File(data, "r") as f:
    f.visititems(lambda name, item: tensors.__setitem__(name.replace("/", "."), item[()]) if isinstance(item, h5py.Dataset) else None)
save_file(tensors, sys.argv[2])
'
cat "$work/big.keras" "$work/big.weights.h5" >/dev/null
size_mb=$(( $(stat -c %s "$work/big.keras") / 1000000 ))
echo "input: big.keras ($size_mb MB, 32 tensors), $(nproc) cores (shared with other jobs), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "cp big.keras → copy" cp "$work/big.keras" "$work/copy.keras"
rm -f "$work/copy.keras"
measure "tureen inspect big.keras (in place)" "$TUREEN" inspect "$work/big.keras"
measure "extract model.weights.h5 to a file (zipfile, what extraction would add)" "$PYTHON" -c "$extract" "$work/big.keras" "$work/extracted.h5"
rm -f "$work/extracted.h5"
for run in $(seq "${REPEAT:-1}"); do
    REPEAT=1 measure "tureen convert big.keras → safetensors (in place)" "$TUREEN" convert "$work/big.keras" "$work/a.safetensors" --force
    REPEAT=1 measure "tureen convert big.weights.h5 → safetensors (the member as a file)" "$TUREEN" convert "$work/big.weights.h5" "$work/b.safetensors" --force
done
rm -f "$work/a.safetensors" "$work/b.safetensors"
for run in $(seq "${REPEAT:-1}"); do
    REPEAT=1 measure "tureen convert big.keras → copy.keras (weights streamed into the zip)" "$TUREEN" convert "$work/big.keras" "$work/copy.keras" --force
    REPEAT=1 measure "tureen convert big.weights.h5 → copy.weights.h5 --layout keras (seeking writer)" "$TUREEN" convert "$work/big.weights.h5" "$work/copy.weights.h5" --layout keras --force
done
rm -f "$work/copy.keras" "$work/copy.weights.h5"
measure "peer: member read into memory + h5py + save_file (Keras' own way)" "$PYTHON" -c "$peer" "$work/big.keras" "$work/peer.safetensors"
