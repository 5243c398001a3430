#!/usr/bin/env bash
# Runs every benchmark (or those named: convert soup npz hdf5 greedy merge) and prints Markdown for Docs/benchmarks.md.
# merge is run only when named: it needs a fourth 1 GB input, and $MERGEKIT_PYTHON (Benchmarks/mergekit_venv.sh) for the peer.
# greedy is run only when named: it needs 8 inputs (8.7 GB) and 9 GB of scratch (GREEDY_N=4 halves that).
# Needs $TUREEN (release binary) and $PYTHON (venv with the reference libraries); `make bench` sets both.
# Inputs are made once in $BENCH_DATA (default /tmp/tureen-bench, about 3.3 GB); STORED_ONLY=1 skips
# the compressed conversions, which take minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export BENCH_DATA=${BENCH_DATA:-/tmp/tureen-bench}
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(convert soup npz hdf5)
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(date -u +%Y-%m-%d)"
echo
for part in "${parts[@]}"; do
    [ -f "$here/$part.sh" ] && bash "$here/$part.sh"
done
