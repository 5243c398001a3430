#!/usr/bin/env bash
# The compatibility check of `tureen merge` against mergekit 0.1.5 (Docs/merging.md): the same
# configurations through mergekit-pytorch and tureen on float32 inputs, the largest difference per
# configuration. Needs the release binary (make release) and .venv-torch; installs mergekit into
# .venv-mergekit. Data goes to $WORK (default /tmp/tureen-mergekit-compat).
set -euo pipefail
cd "$(dirname "$0")/.."
MERGEKIT_PYTHON=$(Benchmarks/mergekit_venv.sh)
WORK=${WORK:-/tmp/tureen-mergekit-compat}
"$MERGEKIT_PYTHON" Benchmarks/mergekit_compat.py "$MERGEKIT_PYTHON" "${TUREEN:-.build/release/tureen}" "$WORK"
