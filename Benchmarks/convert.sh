#!/usr/bin/env bash
# Foundation benchmark: a 1.07 GB LLaMA-shaped bf16 safetensors file converted to safetensors
# (same dtype, and --dtype f32) by Tureen, against `cp` and the Python peer, in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
llama_inputs 1
input=${inputs[0]}
out="$data/out"
mkdir -p "$out"
cat "$input" >/dev/null

echo "### convert: $(du -h "$input" | cut -f1) bf16 safetensors → safetensors"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
rm -f "$out"/*; measure "cp" cp "$input" "$out/cp.safetensors"; cp_wall=$LAST_WALL
rm -f "$out"/*; measure "cp + sync (durable, as tureen: it fsyncs before renaming)" sh -c 'cp "$0" "$1" && sync "$1"' "$input" "$out/cps.safetensors"; cps_wall=$LAST_WALL
rm -f "$out"/*; measure "tureen convert (bf16)" "$TUREEN" convert --force "$input" "$out/t.safetensors"; t_wall=$LAST_WALL; t_rss=$LAST_RSS
rm -f "$out"/*; measure "python load_file+save_file (bf16)" "$PYTHON" "$here/convert_peer.py" "$input" "$out/p.safetensors"; p_wall=$LAST_WALL; p_rss=$LAST_RSS
rm -f "$out"/*; measure "tureen convert --dtype f32" "$TUREEN" convert --force "$input" "$out/t32.safetensors" --dtype f32; t32_wall=$LAST_WALL; t32_rss=$LAST_RSS
rm -f "$out"/*; measure "python load_file+astype+save_file (f32)" "$PYTHON" "$here/convert_peer.py" "$input" "$out/p32.safetensors" --dtype f32; p32_wall=$LAST_WALL; p32_rss=$LAST_RSS
rm -f "$out"/*
echo
echo "tureen/cp wall (same dtype): $(ratio "$t_wall" "$cp_wall")×; tureen/(cp + sync): $(ratio "$t_wall" "$cps_wall")×; python/tureen wall: $(ratio "$p_wall" "$t_wall")× (bf16), $(ratio "$p32_wall" "$t32_wall")× (f32); python/tureen peak RSS: $(ratio "$p_rss" "$t_rss")× (bf16), $(ratio "$p32_rss" "$t32_rss")× (f32)"
echo
