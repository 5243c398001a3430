#!/usr/bin/env bash
# Merge benchmark (issue 15): `tureen merge` of 3 LLaMA-shaped bf16 models (1.07 GB each) and a
# base of the same shape — linear, task arithmetic, Model Stock, SLERP (base and one model) —
# beside the uniform soup of the 3 (the soup's own executor, one pass) and the base-relative soup
# (4 inputs), and mergekit-pytorch 0.1.5 on the same configurations (its venv from
# Benchmarks/mergekit_venv.sh). Tureen runs $REPEAT times (default 3, median wall, largest RSS);
# mergekit once. The machine is shared with other sessions: compare rows of one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
mkdir -p "$data/merge-out"
for seed in 0 1 2 3; do
    file="$data/llama-bf16-$seed.safetensors"
    [ -f "$file" ] || "$PYTHON" "$here/make_llama.py" "$file" --seed "$seed"
done
m1=$data/llama-bf16-0.safetensors m2=$data/llama-bf16-1.safetensors m3=$data/llama-bf16-2.safetensors base=$data/llama-bf16-3.safetensors
out=$data/merge-out
models="  - model: $m1\n    parameters: {weight: 1}\n  - model: $m2\n    parameters: {weight: 1}\n  - model: $m3\n    parameters: {weight: 1}\n"
printf "models:\n$models""merge_method: linear\n" >"$out/linear.yml"
printf "models:\n$models""base_model: $base\nmerge_method: task_arithmetic\n" >"$out/task_arithmetic.yml"
printf "models:\n  - model: $m1\n  - model: $m2\n  - model: $m3\nbase_model: $base\nmerge_method: model_stock\n" >"$out/model_stock.yml"
printf "models:\n  - model: $base\n  - model: $m1\nbase_model: $base\nmerge_method: slerp\nparameters: {t: 0.4}\n" >"$out/slerp.yml"
cat "$m1" "$m2" "$m3" "$base" >/dev/null
"$TUREEN" soup uniform --force "$m1" "$m2" "$m3" -o "$out/soup.safetensors" >/dev/null 2>&1

echo "### merge: 3 × $(du -h "$m1" | cut -f1) bf16 models (and a base of the same shape)"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "tureen soup uniform (3 inputs)" "$TUREEN" soup uniform --force "$m1" "$m2" "$m3" -o "$out/soup.safetensors"; soup=$LAST_WALL
measure "tureen soup weighted --base (4 inputs)" "$TUREEN" soup weighted --force "$m1" "$m2" "$m3" --weights 1,1,1 --no-normalize --base "$base" -o "$out/soup-base.safetensors"; soup_base=$LAST_WALL
declare -A walls
for method in linear task_arithmetic model_stock slerp; do
    measure "tureen merge: $method" "$TUREEN" merge --force "$out/$method.yml" -o "$out/$method.safetensors"; walls[$method]=$LAST_WALL
done
if [ -n "${MERGEKIT_PYTHON:-}" ]; then
    mergekit=$(dirname "$MERGEKIT_PYTHON")/mergekit-pytorch
    for method in linear task_arithmetic model_stock slerp; do
        rm -rf "$out/$method-mergekit"
        REPEAT=1 measure "mergekit-pytorch: $method" "$mergekit" "$out/$method.yml" "$out/$method-mergekit" --no-copy-tokenizer --no-write-model-card
        rm -rf "$out/$method-mergekit"
    done
fi
echo
echo "tureen merge ÷ uniform soup (3 inputs): linear $(ratio "${walls[linear]}" "$soup")×, task arithmetic $(ratio "${walls[task_arithmetic]}" "$soup")×, Model Stock $(ratio "${walls[model_stock]}" "$soup")×, SLERP $(ratio "${walls[slerp]}" "$soup")×; task arithmetic ÷ base-relative soup (4 inputs): $(ratio "${walls[task_arithmetic]}" "$soup_base")×"
echo
